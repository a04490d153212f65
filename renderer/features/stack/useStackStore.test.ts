import { afterEach, describe, expect, it } from 'vitest';
import { buildApi, type Channel, type EventName } from '../../../common/ipc';
import type { ComponentState, StackSnapshot } from '../../../common/model';
import { useStackStore } from './useStackStore';

// An in-memory transport (a fake main): it answers calls from a snapshot it controls and pushes events on demand.
function fakeMain(initial: ComponentState) {
  let state = initial;
  const snap = (): StackSnapshot => ({
    components: [{
      id: 'prometheus', name: 'Prometheus', state, pid: null, port: 9090, version: null, binary: null, lastError: null, fix: null,
      detail: null, warning: null, since: 0, restarts: 0, adopted: false, lastExit: null, url: 'http://127.0.0.1:9090/',
    }],
    overall: state === 'running' ? 'ok' : 'stopped',
    settingsError: null,
    configError: null,
  });
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const calls: { channel: Channel; req: unknown }[] = [];
  let failNext: string | null = null;
  let releaseGet: (() => void) | null = null;
  let holdGet = false;
  const api = buildApi(
    async (channel, req) => {
      calls.push({ channel, req });
      if (failNext) {
        const msg = failNext;
        failNext = null;
        throw new Error(msg);
      }
      if (channel === 'stack:get' && holdGet) {
        const answer = snap();
        await new Promise<void>((r) => (releaseGet = r));
        return answer;
      }
      if (channel === 'stack:start') state = 'running';
      if (channel === 'stack:stop') state = 'stopped';
      return snap();
    },
    (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set.add(listener));
      return () => set.delete(listener);
    },
  );
  return {
    api,
    calls,
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
    push(next: ComponentState) {
      state = next;
      for (const l of listeners.get('stack:changed') ?? []) l(snap());
    },
    failNext: (m: string) => (failNext = m),
    holdGet: () => (holdGet = true),
    releaseGet: () => releaseGet?.(),
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));
let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  useStackStore.setState({ snapshot: null, pending: null, error: null, api: null });
});

describe('useStackStore', () => {
  it('fetches once on connect, follows pushed snapshots and unsubscribes on cleanup', async () => {
    const main = fakeMain('stopped');
    cleanup = useStackStore.getState().connect(main.api);
    await flush();
    expect(useStackStore.getState().snapshot?.components[0]?.state).toBe('stopped');
    main.push('starting');
    expect(useStackStore.getState().snapshot?.components[0]?.state).toBe('starting');
    expect(main.calls.filter((c) => c.channel === 'stack:get')).toHaveLength(1);
    cleanup();
    cleanup = null;
    expect(main.listenerCount()).toBe(0);
  });

  it('keeps a pushed snapshot when the initial fetch answers later with an older one', async () => {
    const main = fakeMain('stopped');
    main.holdGet();
    cleanup = useStackStore.getState().connect(main.api);
    main.push('running');
    main.releaseGet();
    await flush();
    expect(useStackStore.getState().snapshot?.components[0]?.state).toBe('running');
  });

  it('sends start/stop with the component list (none = whole stack) and shows failures as an error', async () => {
    const main = fakeMain('stopped');
    cleanup = useStackStore.getState().connect(main.api);
    await useStackStore.getState().start(['prometheus']);
    expect(main.calls.at(-1)).toEqual({ channel: 'stack:start', req: { components: ['prometheus'] } });
    expect(useStackStore.getState().snapshot?.components[0]?.state).toBe('running');
    await useStackStore.getState().stop();
    expect(main.calls.at(-1)).toEqual({ channel: 'stack:stop', req: {} });

    main.failNext('port 9090 is in use by nginx');
    await useStackStore.getState().start();
    const { error, pending } = useStackStore.getState();
    expect(pending).toBeNull();
    expect(error).toContain('port 9090 is in use by nginx');
  });
});
