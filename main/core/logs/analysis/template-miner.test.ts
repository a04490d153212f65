import { describe, expect, it } from 'vitest';
import { createTemplateMiner, type TemplateMiner } from './template-miner';

const finalTemplate = (m: TemplateMiner, id: string) => m.resolve(id)?.template;
const mineAll = (m: TemplateMiner, lines: string[]) => lines.map((l) => m.add(l).templateId);

describe('template miner', () => {
  it('gives lines that differ only in masked variables one template, with <*> where they vary', () => {
    const m = createTemplateMiner();
    const a = m.add('PacketResponder 1 for block blk_388 terminating');
    const b = m.add('PacketResponder 0 for block blk_-695 terminating');
    expect(a.isNew).toBe(true);
    expect(b).toEqual({ templateId: a.templateId, template: 'PacketResponder <*> for block <*> terminating', isNew: false });
    expect(a.templateId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('keeps two templates that differ in one word apart (bytes/values), where a share-of-tokens threshold merges them', () => {
    const m = createTemplateMiner();
    const ids = mineAll(m, [
      'Block broadcast_1 stored as bytes in memory (estimated size 5.2 KB, free 1.0 MB)',
      'Block broadcast_2 stored as values in memory (estimated size 8.8 KB, free 2.0 MB)',
      'Block broadcast_3 stored as bytes in memory (estimated size 9 B, free 3.0 MB)',
    ]);
    expect(ids[0]).toBe(ids[2]);
    expect(ids[1]).not.toBe(ids[0]);
  });

  it('turns a word into <*> once three different words showed there with the rest equal, and resolves the ids given out before', () => {
    const m = createTemplateMiner();
    const [cyrus, news, test, root] = mineAll(m, ['session closed for user cyrus', 'session closed for user news', 'session closed for user test', 'session closed for user root']);
    expect(news).not.toBe(cyrus);
    // The third user merges all three; the oldest id survives and the others resolve to it.
    expect(test).toBe(cyrus);
    expect(root).toBe(cyrus);
    expect(m.resolve(news!)).toEqual({ templateId: cyrus, template: 'session closed for user <*>', count: 4 });
    expect(m.templates()).toEqual([{ templateId: cyrus, template: 'session closed for user <*>', count: 4 }]);
    // A search by pattern asks for every id records of it were stored with: the surviving id, then the merged ones.
    expect(m.idsOf(cyrus!)).toEqual([cyrus, news]);
    expect(m.idsOf(news!)).toEqual([cyrus, news]);
    expect(m.idsOf('ffffffffffffffff')).toEqual([]);
    const [other] = mineAll(m, ['disk full on /var']);
    expect(m.idsOf(other!)).toEqual([other]);
  });

  it('needs six values before a categorical key=word becomes a variable', () => {
    const m = createTemplateMiner();
    const levels = ['trace', 'debug', 'info', 'warn', 'error'].map((l) => m.add(`request done level=${l}`).templateId);
    expect(new Set(levels).size).toBe(5);
    const sixth = m.add('request done level=fatal');
    expect(sixth.template).toBe('request done level=<*>');
    expect(new Set(levels.map((id) => m.resolve(id)!.templateId))).toEqual(new Set([sixth.templateId]));
  });

  it('never widens the first token, also when first tokens are masked', () => {
    const m = createTemplateMiner();
    const ids = mineAll(m, ['cupsd startup succeeded', 'syslogd startup succeeded', 'klogd startup succeeded', 'sdpd startup succeeded']);
    expect(new Set(ids).size).toBe(4);
    const kv = mineAll(m, ['setSteps=1514038440000', 'setDiff=3', '42']);
    expect(new Set(kv).size).toBe(3);
    expect(kv.map((id) => finalTemplate(m, id))).toEqual(['setSteps=<*>', 'setDiff=<*>', '<*>']);
  });

  it('widens a pattern token by a line that fills it with nothing, and a word by a masked number', () => {
    const m = createTemplateMiner();
    const a = m.add('connection from 1.2.3.4 (host-1.example.net) at Fri Jun 17 07:07:00 2005');
    expect(a.template).toBe('connection from <*> (<*>) at <*>');
    expect(m.add('connection from 5.6.7.8 () at Sat Jun 18 01:02:03 2005').templateId).toBe(a.templateId);
    expect(m.add('connection from 5.6.7.8 (plain.example.net) at Sat Jun 18 01:02:03 2005').templateId).toBe(a.templateId);
    const u = m.add('Invalid user admin from 1.2.3.4');
    expect(m.add('Invalid user 1234 from 1.2.3.5')).toMatchObject({ templateId: u.templateId, template: 'Invalid user <*> from <*>' });
  });

  it('does not widen two positions with one line', () => {
    const m = createTemplateMiner();
    const a = m.add('auth failure; tty=NODEVssh ruser= rhost=1.2.3.4');
    // tty's value was masked and rhost is empty: two widenings, so a template of its own.
    expect(m.add('auth failure; tty=:0 ruser= rhost=').templateId).not.toBe(a.templateId);
  });

  it('gives the same id for the same template in every run and in any order, when the variables are masked', () => {
    const lines = ['Got assigned task 1', 'Running task 0.0 in stage 1.0 (TID 8)', 'Got assigned task 22', 'Running task 1.0 in stage 2.0 (TID 9)'];
    const ids1 = mineAll(createTemplateMiner(), lines);
    const ids2 = mineAll(createTemplateMiner(), [...lines].reverse()).reverse();
    expect(ids2).toEqual(ids1);
  });

  it('keeps the id of the first cluster when its template generalises', () => {
    const m = createTemplateMiner();
    const first = m.add('Accepted password for fztu from 1.2.3.4 port 22 ssh2');
    const again = m.add('Accepted password for 12 from 1.2.3.4 port 22 ssh2');
    expect(again).toMatchObject({ templateId: first.templateId, template: 'Accepted password for <*> from <*> port <*>' });
  });

  it('is deterministic: the same lines in the same order give the same templates and ids', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `user u${['ann', 'bob', 'cy', 'dee'][i % 4]} did thing${i % 5} in ${i} ms`);
    const run = () => {
      const m = createTemplateMiner();
      return mineAll(m, lines).map((id) => m.resolve(id)!.template);
    };
    expect(run()).toEqual(run());
  });

  it('keeps at most maxClusters templates, evicting the least recently used', () => {
    const m = createTemplateMiner({ maxClusters: 3 });
    const a = m.add('alpha one');
    m.add('beta two');
    m.add('gamma three');
    m.add('alpha one'); // a is now the most recent
    const d = m.add('delta four'); // evicts beta
    expect(m.templates().map((t) => t.template).sort()).toEqual(['alpha one', 'delta four', 'gamma three']);
    expect(m.resolve(a.templateId)).toBeDefined();
    expect(m.resolve(d.templateId)?.template).toBe('delta four');
    // An evicted template seen again gets its old id back: the id is the hash of its text.
    const beta = createTemplateMiner().add('beta two').templateId;
    expect(m.add('beta two')).toMatchObject({ templateId: beta, isNew: true });
  });

  it('keeps at most maxPerGroup templates in one group, so a stream of new words costs bounded time per line', () => {
    const m = createTemplateMiner({ maxPerGroup: 2 });
    m.add('event alpha happened to one while x');
    m.add('event beta happened to two while y');
    m.add('event alpha happened to one while x');
    m.add('event gamma happened to three while z'); // the group's least recently used (beta) goes
    expect(m.templates().map((t) => t.template).sort()).toEqual(['event alpha happened to one while x', 'event gamma happened to three while z']);
  });

  it('snapshot and restore carry on exactly as if there had been no restart', () => {
    const lines = [
      'session opened for user cyrus by (uid=0)',
      'session opened for user news by (uid=0)',
      'Got assigned task 3',
      'session opened for user test by (uid=509)',
      'Got assigned task 4',
      'session opened for user root by (uid=0)',
      'Finished task 1.0 in stage 2.0 (TID 3). 2120 bytes result sent to driver',
    ];
    const straight = createTemplateMiner();
    const want = lines.map((l) => straight.add(l));
    const before = createTemplateMiner();
    const got = lines.slice(0, 2).map((l) => before.add(l));
    const restored = createTemplateMiner({}, JSON.parse(JSON.stringify(before.snapshot())));
    got.push(...lines.slice(2).map((l) => restored.add(l)));
    expect(got).toEqual(want);
    expect(restored.snapshot()).toEqual(straight.snapshot());
    // Ids handed out before the restart still resolve after it.
    expect(restored.resolve(got[1]!.templateId)?.template).toBe('session opened for user <*> by (uid=<*>)');
  });

  it('refuses a malformed snapshot, naming the field', () => {
    const good = createTemplateMiner();
    good.add('x 1');
    const snap = good.snapshot();
    expect(() => createTemplateMiner({}, { ...snap, version: 2 })).toThrow(/template miner snapshot: version/);
    expect(() => createTemplateMiner({}, { ...snap, clusters: [{ ...snap.clusters[0]!, tokens: ['has space'] }] })).toThrow(/clusters\.0\.tokens\.0/);
    expect(() => createTemplateMiner({}, { ...snap, clusters: [snap.clusters[0]!, snap.clusters[0]!] })).toThrow(/an id appears twice/);
    expect(() => createTemplateMiner({}, 'nonsense')).toThrow(/template miner snapshot/);
  });

  it('takes empty, huge and binary messages without failing', () => {
    const m = createTemplateMiner();
    expect(m.add('')).toMatchObject({ template: '' });
    expect(m.add('   ').templateId).toBe(m.add('').templateId);
    expect(m.add('x'.repeat(1_000_000)).template.length).toBeLessThanOrEqual(4096);
    expect(() => m.add('\u0000\uFFFD\u0001 garbage \uD800')).not.toThrow();
  });
});
