/**
 * The shell's connection to its core: one HTTP client (common/http-client.ts, the same the browser UI and
 * the CLI use) for the core host that is up now, replaced when the supervisor reports a new one after a
 * restart. Listeners subscribe once and keep receiving across restarts: the new core's event stream opens
 * with the current state of every store (stack, alerts, settings), so the tray and the popover catch up
 * without a fetch of their own. A call made while no core is up waits for the next one.
 */
import { ApiUnreachableError, createHttpClient, type HttpClient, type HttpClientOptions } from '../../common/http-client';
import { EVENT_NAMES, type Channel, type EventMap, type EventName, type Req, type Res } from '../../common/ipc';
import type { CoreEndpoint } from '../../common/core-host';

/** What the tray and the IPC bridge need of the core: the contract's calls and its pushed events. */
export interface CoreBackend {
  invoke<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
}

export interface CoreConnection extends CoreBackend {
  /** Point at the core host that just reported ready (closing the client of the previous one). */
  connect(endpoint: Pick<CoreEndpoint, 'url' | 'token'>): void;
  /** The core host is gone: calls wait for the next connect. */
  disconnect(): void;
  readonly endpoint: Pick<CoreEndpoint, 'url' | 'token'> | null;
  close(): void;
}

export interface CoreConnectionOptions {
  /** How long a call waits for a core that is restarting (default 20 s). */
  waitMs?: number;
  makeClient?: (opts: HttpClientOptions) => HttpClient;
}

export function createCoreConnection(opts: CoreConnectionOptions = {}): CoreConnection {
  const makeClient = opts.makeClient ?? createHttpClient;
  const waitMs = opts.waitMs ?? 20_000;
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let client: HttpClient | null = null;
  let endpoint: Pick<CoreEndpoint, 'url' | 'token'> | null = null;
  let offs: Array<() => void> = [];
  let waiters: Array<(c: HttpClient | null) => void> = [];
  let closed = false;

  const emit = (event: EventName, payload: unknown) => {
    for (const listener of [...(listeners.get(event) ?? [])]) (listener as (p: unknown) => void)(payload);
  };

  function drop(): void {
    for (const off of offs) off();
    offs = [];
    client?.close();
    client = null;
    endpoint = null;
  }

  function current(): Promise<HttpClient> {
    if (client) return Promise.resolve(client);
    if (closed) return Promise.reject(new ApiUnreachableError('the app is quitting'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== settle);
        reject(Object.assign(new ApiUnreachableError(`Lookout's core is not running (it did not come back within ${waitMs / 1000} s)`), { code: 'core_unavailable' }));
      }, waitMs);
      const settle = (c: HttpClient | null) => {
        clearTimeout(timer);
        if (c) resolve(c);
        else reject(new ApiUnreachableError('the app is quitting'));
      };
      waiters.push(settle);
    });
  }

  return {
    get endpoint() {
      return endpoint;
    },
    connect(next) {
      if (closed) return;
      drop();
      const c = makeClient({ baseUrl: next.url, token: next.token });
      client = c;
      endpoint = { url: next.url, token: next.token };
      // One stream for every event, whether or not anyone listens yet: the tray always does.
      offs = EVENT_NAMES.map((event) => c.on(event, (payload) => emit(event, payload)));
      for (const settle of waiters.splice(0)) settle(c);
    },
    disconnect: drop,
    async invoke(channel, req) {
      const c = await current();
      return c.invoke(channel, req);
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => void set.delete(listener as (payload: never) => void);
    },
    close() {
      closed = true;
      drop();
      for (const settle of waiters.splice(0)) settle(null);
    },
  };
}
