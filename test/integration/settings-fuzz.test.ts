/**
 * A fuzz test of settings saves (issue 17): a few hundred mutated payloads through the real API of a
 * real `lookout serve` with the real stack running. Whatever is sent, serve answers (never crashes),
 * an accepted payload never leaves a component failed, and settings.json is valid JSON at the end.
 * The mutations are seeded, so a failure is reproducible from the seed printed with it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from '../../common/http-client';
import type { StackSnapshot } from '../../common/model';
import { startServe, type RunningServe } from '../support/serve';
import { makeHome, waitFor, type TestHome } from '../support/stack-env';

const PAYLOADS = 300;
const SEED = Number(process.env.LOOKOUT_FUZZ_SEED ?? 20261202);

/** mulberry32: a small seeded generator, so every run sends the same payloads. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values that have broken parsers before: wrong types, extremes, odd strings, Prometheus-looking text. */
const NASTY: unknown[] = [
  null, true, false, 0, -1, 1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 65536, '', ' ', 'x'.repeat(5000), '💥', '\u0000', '../../etc/passwd',
  '/tmp', 'http://127.0.0.1:1/', 'https://[::1]:99999/', '5s', '0s', '1ms', '106752d', '99999999999999999999y', '1GB', '8193PB', '99999999999999999999EB',
  '$(rm -rf /)', '{{.}}', 'a\nb', [], [1, 2], {}, { nested: { deeper: [null] } },
];

/** A value of the same kind as `current`, often valid: how a user edits, rather than how an attacker does. */
function plausible(current: unknown, rnd: () => number): unknown {
  if (typeof current === 'boolean') return !current;
  if (typeof current === 'number') return Number.isInteger(current) ? Math.floor(rnd() * Math.max(10, current * 3)) : Math.round(rnd() * 1000) / 1000;
  if (typeof current === 'string') {
    if (/^\d+(ms|s|m|h|d|w|y)$/.test(current)) return `${1 + Math.floor(rnd() * 120)}${['s', 'm', 'h', 'd'][Math.floor(rnd() * 4)]}`;
    if (/^\d+(KB|MB|GB)$/.test(current)) return `${1 + Math.floor(rnd() * 900)}${['KB', 'MB', 'GB'][Math.floor(rnd() * 3)]}`;
    return `${current}${Math.floor(rnd() * 10)}`;
  }
  return current;
}

/** Leaves of the settings document worth mutating: not ports (a random port may really be taken) and not paths to binaries. */
function leaves(doc: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (doc === null || typeof doc !== 'object') return [prefix];
  const entries = Array.isArray(doc) ? doc.map((v, i) => [i, v] as const) : Object.entries(doc);
  const out: Array<Array<string | number>> = prefix.length ? [prefix] : [];
  for (const [k, v] of entries) {
    if (k === 'port' || k === 'binary' || k === 'homepath' || (prefix[0] === 'lookout' && k !== 'launchAtLogin')) continue;
    out.push(...leaves(v, [...prefix, k]));
  }
  return out;
}

function valueAt(doc: unknown, p: Array<string | number>): unknown {
  return p.reduce<unknown>((node, k) => (node && typeof node === 'object' ? (node as Record<string | number, unknown>)[k] : undefined), doc);
}

describe('settings fuzz through the real API (issue 17)', () => {
  let env: TestHome;
  let serve: RunningServe;
  let client: HttpClient;

  beforeAll(async () => {
    env = await makeHome();
    serve = await startServe(env.home);
    client = createHttpClient({ baseUrl: serve.info.url, token: serve.info.token });
    await client.stack.start({});
  }, 120_000);
  afterAll(async () => {
    await serve?.stop();
    await env?.cleanup();
  });

  it(`${PAYLOADS} mutated payloads: serve always answers, accepted ones never leave a component failed, settings.json stays valid`, async () => {
    const rnd = random(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const base = (await client.settings.get()).settings;
    const paths = leaves(base);
    let accepted = 0;
    let refused = 0;
    const statuses = new Map<number, number>();
    for (let i = 0; i < PAYLOADS; i++) {
      const changes = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
        const p = rnd() < 0.1 ? [...pick(paths), 'unknownKey'] : pick(paths);
        if (rnd() < 0.05) return { path: p };
        return { path: p, value: rnd() < 0.5 ? pick(NASTY) : plausible(valueAt(base, p), rnd) };
      });
      const res = await fetch(`${serve.info.url}/api/v1/settings`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${serve.info.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ changes }),
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect([200, 400, 422], `payload ${i} (seed ${SEED}): ${JSON.stringify(changes).slice(0, 300)}`).toContain(res.status);
      await res.arrayBuffer();
      if (res.status !== 200) {
        refused++;
        continue;
      }
      accepted++;
      // The watcher applies a save after its 200 ms debounce; then let the apply (a restart, perhaps) finish.
      await new Promise((r) => setTimeout(r, 700));
      const snap = await waitFor('the stack to settle', async () => {
        const s: StackSnapshot = await client.stack.get();
        return s.components.every((c) => c.state !== 'starting' && c.state !== 'stopping') ? s : null;
      }, 60_000);
      const failed = snap.components.filter((c) => c.state === 'failed');
      expect(failed.map((c) => `${c.id}: ${c.lastError}`), `after payload ${i} (seed ${SEED}): ${JSON.stringify(changes).slice(0, 300)}`).toEqual([]);
      // Put the settings back from time to time, so later payloads mutate a normal document again.
      if (accepted % 10 === 0) await client.settings.update({ changes: [{ path: ['stack'], value: base.stack }, { path: ['alerts'], value: base.alerts }] });
    }
    expect(serve.child.exitCode).toBeNull();
    const text = await readFile(path.join(env.home, 'settings.json'), 'utf8');
    expect(() => JSON.parse(text)).not.toThrow();
    process.stdout.write(`fuzz (seed ${SEED}): ${PAYLOADS} payloads, ${accepted} accepted, ${refused} refused; answers ${JSON.stringify(Object.fromEntries(statuses))}; serve alive, no component failed, settings.json valid\n`);
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
