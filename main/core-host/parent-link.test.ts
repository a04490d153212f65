import { describe, expect, it } from 'vitest';
import type { HostMessage } from '../../common/core-host';
import { createParentLink, type ParentPort } from './parent-link';

/** A port whose parent is the test. */
function fakePort() {
  const posted: HostMessage[] = [];
  let deliver: (raw: unknown) => void = () => undefined;
  let disconnect: () => void = () => undefined;
  const port: ParentPort = {
    post: async (m) => void posted.push(m),
    onMessage: (l) => void (deliver = l),
    onDisconnect: (l) => void (disconnect = l),
  };
  return { port, posted, send: (raw: unknown) => deliver(raw), disconnect: () => disconnect() };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('createParentLink (the core host end)', () => {
  it('matches answers to requests by id, and rebuilds refusals as errors with their code', async () => {
    const { port, posted, send } = fakePort();
    const warnings: string[] = [];
    const link = createParentLink(port, { warn: (m) => warnings.push(m) });
    const a = link.cipher.encrypt('x');
    const b = link.cipher.available();
    await tick();
    expect(posted).toEqual([
      { kind: 'request', id: 1, method: 'cipher:encrypt', params: { plain: 'x' } },
      { kind: 'request', id: 2, method: 'cipher:available', params: {} },
    ]);
    send({ kind: 'response', id: 2, ok: false, error: { message: 'no keychain', code: 'unavailable' } });
    send({ kind: 'response', id: 1, ok: true, result: { blob: Buffer.from('secret').toString('base64') } });
    expect(Buffer.from(await a).toString()).toBe('secret');
    await expect(b).rejects.toMatchObject({ message: 'no keychain', code: 'unavailable' });
    // Late or unknown answers and garbage are dropped with a warning, not acted on.
    send({ kind: 'response', id: 1, ok: true, result: {} });
    send('<script>');
    expect(warnings).toHaveLength(2);
  });

  it("routes a notification's button to the callback of that notification", async () => {
    const { port, posted, send } = fakePort();
    const link = createParentLink(port);
    const pressed: string[] = [];
    const shown = link.notifier.notify({ id: 'n', kind: 'firing', severity: 'warning', title: 't', body: 'b', url: null, actions: ['ack'] }, (a) => pressed.push(a));
    await tick();
    const id = (posted[0] as Extract<HostMessage, { kind: 'request' }>).id;
    send({ kind: 'response', id, ok: true, result: {} });
    await shown;
    send({ kind: 'notification:action', requestId: id, action: 'ack' });
    send({ kind: 'notification:action', requestId: id + 1, action: 'snooze' });
    expect(pressed).toEqual(['ack']);
  });

  it('gives up on a request the parent never answers', async () => {
    const { port } = fakePort();
    const link = createParentLink(port, { timeoutMs: 20 });
    await expect(link.cipher.available()).rejects.toThrow('did not answer cipher:available within 0.02 s');
  });

  it('hears stop once, whether asked or the parent went away', () => {
    const { port, send, disconnect } = fakePort();
    const link = createParentLink(port);
    let stops = 0;
    link.onStop(() => stops++);
    send({ kind: 'stop' });
    disconnect();
    expect(stops).toBe(1);
  });
});
