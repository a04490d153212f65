import { describe, expect, it } from 'vitest';
import type { HttpClient, HttpClientOptions } from '../../common/http-client';
import type { EventName } from '../../common/ipc';
import { createCoreConnection } from './core-connection';

/** A fake of the one HTTP client: answers with the URL it was made for, and emits on demand. */
function fakeClients() {
  const made: Array<{ opts: HttpClientOptions; emit(event: EventName, payload: unknown): void; closed: boolean }> = [];
  const makeClient = (opts: HttpClientOptions): HttpClient => {
    const listeners = new Map<EventName, Set<(p: unknown) => void>>();
    const entry = {
      opts,
      closed: false,
      emit: (event: EventName, payload: unknown) => {
        for (const l of listeners.get(event) ?? []) l(payload);
      },
    };
    made.push(entry);
    return {
      invoke: async (channel: string) => ({ channel, from: opts.baseUrl, token: opts.token }),
      on: (event: EventName, l: (p: unknown) => void) => {
        let set = listeners.get(event);
        if (!set) listeners.set(event, (set = new Set()));
        set.add(l);
        return () => void set.delete(l);
      },
      close: () => void (entry.closed = true),
    } as unknown as HttpClient;
  };
  return { made, makeClient };
}

describe('createCoreConnection', () => {
  it('calls the core that is up, and the new one after a restart (new URL and token)', async () => {
    const { made, makeClient } = fakeClients();
    const connection = createCoreConnection({ makeClient });
    connection.connect({ url: 'http://127.0.0.1:1001', token: 'a' });
    expect(await connection.invoke('stack:get', {})).toEqual({ channel: 'stack:get', from: 'http://127.0.0.1:1001', token: 'a' });
    connection.disconnect();
    expect(made[0]!.closed).toBe(true);
    // A call while the core is down waits for the next one.
    const waiting = connection.invoke('alerts:get', {});
    connection.connect({ url: 'http://127.0.0.1:1002', token: 'b' });
    expect(await waiting).toEqual({ channel: 'alerts:get', from: 'http://127.0.0.1:1002', token: 'b' });
    expect(connection.endpoint).toEqual({ url: 'http://127.0.0.1:1002', token: 'b' });
  });

  it('keeps its listeners across restarts, and hears only the current core', () => {
    const { made, makeClient } = fakeClients();
    const connection = createCoreConnection({ makeClient });
    const heard: unknown[] = [];
    connection.on('app:overall', (s) => heard.push(s));
    connection.connect({ url: 'http://127.0.0.1:1001', token: 'a' });
    made[0]!.emit('app:overall', 'ok');
    connection.connect({ url: 'http://127.0.0.1:1002', token: 'b' });
    made[0]!.emit('app:overall', 'critical');
    made[1]!.emit('app:overall', 'warning');
    expect(heard).toEqual(['ok', 'warning']);
  });

  it('fails a call when no core comes back in time, and every waiting call when closed', async () => {
    const { makeClient } = fakeClients();
    const connection = createCoreConnection({ makeClient, waitMs: 20 });
    await expect(connection.invoke('stack:get', {})).rejects.toMatchObject({ name: 'ApiUnreachableError', code: 'core_unavailable' });
    const slow = createCoreConnection({ makeClient, waitMs: 60_000 });
    const waiting = slow.invoke('stack:get', {});
    slow.close();
    await expect(waiting).rejects.toThrow('the app is quitting');
  });
});
