import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CORE_HOST_PROTOCOL, type DesktopNotification, type NotificationAction, type ShellMessage } from '../../common/core-host';
import { FakeClock, settle } from '../../test/fakes/fake-clock';
import type { Notifier, SecretCipher } from '../core/alerts/ports';
import { superviseCore, type CoreChild, type CoreExit, type CoreProcessState } from './core-supervisor';

/** A core host process that does only what the test tells it to. */
class FakeChild implements CoreChild {
  static nextPid = 100;
  readonly pid = FakeChild.nextPid++;
  readonly received: ShellMessage[] = [];
  readonly kills: string[] = [];
  private messageListeners: Array<(raw: unknown) => void> = [];
  private exitListeners: Array<(exit: CoreExit) => void> = [];
  postMessage(message: ShellMessage): void {
    this.received.push(message);
  }
  onMessage(listener: (raw: unknown) => void): void {
    this.messageListeners.push(listener);
  }
  onExit(listener: (exit: CoreExit) => void): void {
    this.exitListeners.push(listener);
  }
  kill(signal: 'SIGTERM' | 'SIGKILL'): void {
    this.kills.push(signal);
    this.exit({ code: null, signal });
  }
  send(raw: unknown): void {
    for (const l of this.messageListeners) l(raw);
  }
  ready(port = 9469): void {
    this.send({ kind: 'ready', protocol: CORE_HOST_PROTOCOL, url: `http://127.0.0.1:${port}`, token: `token-${this.pid}`, pid: this.pid });
  }
  exit(exit: CoreExit): void {
    const listeners = this.exitListeners;
    this.exitListeners = [];
    for (const l of listeners) l(exit);
  }
}

const notification: DesktopNotification = { id: 'n1', kind: 'firing', severity: 'warning', title: 'HighCpu', body: 'cpu at 95 %', url: null, actions: ['ack'] };

function setup(services: { notifier?: Notifier | null; cipher?: SecretCipher | null } = {}) {
  const clock = new FakeClock();
  const children: FakeChild[] = [];
  const states: CoreProcessState[] = [];
  const supervisor = superviseCore({
    launch: () => {
      const child = new FakeChild();
      children.push(child);
      return child;
    },
    services: { notifier: services.notifier ?? null, cipher: services.cipher ?? null },
    clock,
    logger: pino({ level: 'silent' }),
    timings: { readyTimeoutMs: 10_000, backoffMs: 1_000, maxBackoffMs: 4_000, resetAfterMs: 60_000, maxFailures: 3, stopGraceMs: 5_000 },
  });
  supervisor.onState((s) => states.push(s));
  const last = () => children[children.length - 1]!;
  return { clock, children, states, supervisor, last };
}

describe('superviseCore', () => {
  it('forks, waits for ready, and hands over the endpoint', async () => {
    const { supervisor, last } = setup();
    supervisor.start();
    expect(supervisor.state().phase).toBe('starting');
    const ready = supervisor.ready();
    last().ready(9469);
    await expect(ready).resolves.toEqual({ url: 'http://127.0.0.1:9469', token: `token-${last().pid}`, pid: last().pid });
    expect(supervisor.state()).toMatchObject({ phase: 'ready', restarts: 0, lastFailure: null });
  });

  it('restarts a core that exits unexpectedly, with doubling backoff, and picks up the new endpoint', async () => {
    const { supervisor, children, clock, last } = setup();
    supervisor.start();
    last().ready(1001);
    last().exit({ code: null, signal: 'SIGKILL' });
    expect(supervisor.state()).toMatchObject({ phase: 'backoff', restarts: 0, lastFailure: { exit: { signal: 'SIGKILL' }, reason: 'the core exited unexpectedly (signal SIGKILL)' } });
    await clock.advance(999);
    expect(children).toHaveLength(1);
    await clock.advance(1);
    expect(children).toHaveLength(2);
    expect(supervisor.state()).toMatchObject({ phase: 'starting', restarts: 1 });
    const next = supervisor.ready();
    last().ready(1002);
    await expect(next).resolves.toMatchObject({ url: 'http://127.0.0.1:1002', token: `token-${children[1]!.pid}` });
    expect(supervisor.state()).toMatchObject({ phase: 'ready', restarts: 1, lastFailure: { exit: { signal: 'SIGKILL' } } });
    // A second crash soon after: the delay doubles.
    last().exit({ code: 1, signal: null });
    expect(supervisor.state()).toMatchObject({ phase: 'backoff', retryAt: clock.now() + 2_000 });
  });

  it('gives up after maxFailures in a row and starts again only when asked', async () => {
    const { supervisor, children, clock, last } = setup();
    supervisor.start();
    for (let i = 0; i < 3; i++) {
      last().exit({ code: 1, signal: null });
      await clock.advance(4_000);
    }
    expect(children).toHaveLength(4);
    last().exit({ code: 1, signal: null });
    expect(supervisor.state()).toMatchObject({ phase: 'failed', restarts: 3 });
    await clock.advance(60_000);
    expect(children).toHaveLength(4);
    supervisor.restart();
    expect(children).toHaveLength(5);
    expect(supervisor.state()).toMatchObject({ phase: 'starting', restarts: 4 });
  });

  it('forgets the failures once a run has stayed up for resetAfterMs', async () => {
    const { supervisor, clock, last } = setup();
    supervisor.start();
    last().exit({ code: 1, signal: null });
    await clock.advance(1_000);
    last().exit({ code: 1, signal: null });
    await clock.advance(2_000);
    last().ready();
    await clock.advance(60_000);
    last().exit({ code: 1, signal: null });
    // Back to the first delay.
    expect(supervisor.state()).toMatchObject({ phase: 'backoff', retryAt: clock.now() + 1_000 });
  });

  it("kills a core that never reports ready, and says so in the failure", async () => {
    const { supervisor, clock, children } = setup();
    supervisor.start();
    await clock.advance(10_000);
    expect(children[0]!.kills).toEqual(['SIGKILL']);
    expect(supervisor.state()).toMatchObject({ phase: 'backoff', lastFailure: { reason: 'the core did not report ready within 10 s' } });
  });

  it("does not retry a start the core says cannot succeed, and keeps the core's reason", () => {
    const { supervisor, last } = setup();
    supervisor.start();
    last().send({ kind: 'failed', message: 'Lookout is already running for /home/u/.lookout', retry: false });
    last().exit({ code: 1, signal: null });
    expect(supervisor.state()).toMatchObject({ phase: 'failed', lastFailure: { reason: 'Lookout is already running for /home/u/.lookout', exit: { code: 1 } } });
  });

  it('refuses a core host of another protocol (a stale build)', () => {
    const { supervisor, last } = setup();
    supervisor.start();
    last().send({ kind: 'ready', protocol: CORE_HOST_PROTOCOL + 1, url: 'http://127.0.0.1:9469', token: 't', pid: 5 });
    expect(last().kills).toEqual(['SIGKILL']);
    expect(supervisor.state()).toMatchObject({ phase: 'failed' });
  });

  it("answers the core's requests with the shell's notifier and cipher, and routes a notification's button back", async () => {
    const shown: DesktopNotification[] = [];
    let press: ((a: NotificationAction) => void) | null = null;
    const notifier: Notifier = {
      async notify(n, onAction) {
        shown.push(n);
        press = onAction;
      },
    };
    const cipher: SecretCipher = {
      available: async () => true,
      encrypt: async (plain) => Buffer.from([...plain].reverse().join('')),
      decrypt: async (blob) => [...Buffer.from(blob).toString()].reverse().join(''),
    };
    const { supervisor, last } = setup({ notifier, cipher });
    supervisor.start();
    const child = last();
    child.send({ kind: 'request', id: 1, method: 'notify', params: { notification } });
    child.send({ kind: 'request', id: 2, method: 'cipher:encrypt', params: { plain: 'abc' } });
    child.send({ kind: 'request', id: 3, method: 'cipher:decrypt', params: { blob: Buffer.from('cba').toString('base64') } });
    child.send({ kind: 'request', id: 4, method: 'cipher:available', params: {} });
    await settle();
    expect(shown).toEqual([notification]);
    expect(child.received).toEqual(
      expect.arrayContaining([
        { kind: 'response', id: 1, ok: true, result: {} },
        { kind: 'response', id: 2, ok: true, result: { blob: Buffer.from('cba').toString('base64') } },
        { kind: 'response', id: 3, ok: true, result: { plain: 'abc' } },
        { kind: 'response', id: 4, ok: true, result: { available: true } },
      ]),
    );
    press!('ack');
    expect(child.received).toContainEqual({ kind: 'notification:action', requestId: 1, action: 'ack' });
  });

  it('answers with an error when the shell cannot do it, and drops what does not fit the contract', async () => {
    const { supervisor, last } = setup();
    supervisor.start();
    const child = last();
    child.send({ kind: 'request', id: 1, method: 'notify', params: { notification } });
    child.send({ kind: 'request', id: 2, method: 'cipher:available', params: {} });
    child.send({ kind: 'request', id: 3, method: 'shell:exec', params: { command: 'id' } });
    child.send('garbage');
    await settle();
    expect(child.received).toEqual([
      { kind: 'response', id: 1, ok: false, error: { message: 'this app shows no desktop notifications' } },
      { kind: 'response', id: 2, ok: true, result: { available: false } },
    ]);
  });

  it('ignores a process it already replaced', async () => {
    const { supervisor, clock, children, last } = setup();
    supervisor.start();
    const first = last();
    first.exit({ code: 1, signal: null });
    await clock.advance(1_000);
    first.ready(1);
    first.send({ kind: 'request', id: 1, method: 'cipher:available', params: {} });
    await settle();
    expect(supervisor.state().phase).toBe('starting');
    expect(first.received).toEqual([]);
    expect(children).toHaveLength(2);
  });

  it('stops in order: asks, waits, and kills only after the grace period; nothing restarts', async () => {
    const { supervisor, clock, children, last } = setup();
    supervisor.start();
    last().ready();
    const stopped = supervisor.stop();
    expect(last().received).toEqual([{ kind: 'stop' }]);
    expect(supervisor.state().phase).toBe('stopping');
    await clock.advance(4_999);
    expect(last().kills).toEqual([]);
    await clock.advance(1);
    expect(last().kills).toEqual(['SIGKILL']);
    await stopped;
    expect(supervisor.state().phase).toBe('stopped');
    await clock.advance(60_000);
    expect(children).toHaveLength(1);
  });

  it('stop() during a backoff cancels the restart', async () => {
    const { supervisor, clock, children, last } = setup();
    supervisor.start();
    last().exit({ code: 1, signal: null });
    await supervisor.stop();
    await clock.advance(10_000);
    expect(children).toHaveLength(1);
    expect(supervisor.state().phase).toBe('stopped');
  });
});
