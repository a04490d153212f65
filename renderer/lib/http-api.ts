/**
 * The `Api` over HTTP for browser mode (`lookout serve`). Uses only what browsers and Node share
 * (fetch, streams, AbortController), so it runs in the renderer and in integration tests alike.
 */
import { buildApi, EVENTS_PATH, fillPath, HTTP_ROUTES, type Api, type Channel, type ErrorEnvelope, type EventName } from '../../common/ipc';
import { createSseParser } from './sse';

/** An error returned by main, rebuilt on this side; `code` is e.g. `bad_request` or `unauthorized`. */
export class ApiError extends Error {
  constructor(message: string, readonly code?: string, readonly status?: number) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Options for the browser-mode client. */
export interface HttpApiOptions {
  token: string;
  /** Origin of `lookout serve`, e.g. the page's own `location.origin`. */
  baseUrl: string;
  /** First reconnect delay; doubles up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** The `Api` over HTTP: calls per HTTP_ROUTES, events over one shared fetch-streamed SSE connection. */
export function createHttpApi(opts: HttpApiOptions): Api {
  const base = opts.baseUrl;
  const auth = { Authorization: `Bearer ${opts.token}` };

  async function invoke(channel: Channel, req: unknown): Promise<unknown> {
    const route = HTTP_ROUTES[channel];
    // `{param}` segments come from the request; the rest goes in the query (GET) or the body.
    const { path, rest } = fillPath(route.path, (req ?? {}) as Record<string, unknown>);
    const url = new URL(path, base);
    if (route.method === 'GET') for (const [k, v] of Object.entries(rest)) if (v !== undefined) url.searchParams.set(k, String(v));
    const res = await fetch(url, {
      method: route.method,
      headers: route.method === 'GET' ? auth : { ...auth, 'Content-Type': 'application/json' },
      body: route.method === 'GET' ? undefined : JSON.stringify(rest),
    });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const envelope = (body as Partial<ErrorEnvelope> | null)?.error;
      throw new ApiError(envelope?.message ?? `${channel} failed: HTTP ${res.status}`, envelope?.code, res.status);
    }
    return body;
  }

  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let stream: AbortController | null = null;

  const emit = (event: EventName, payload: unknown) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };

  // The stream runs only while someone listens. EventSource cannot send an Authorization header,
  // and a token in the query string would leak into logs, hence fetch streaming. The server starts
  // every stream with the current snapshot, so a reconnect also catches up on what was missed.
  function openStream(): void {
    const controller = new AbortController();
    stream = controller;
    const initialBackoff = opts.backoffMs ?? 500;
    let backoff = initialBackoff;

    const loop = async () => {
      while (!controller.signal.aborted) {
        try {
          const res = await fetch(new URL(EVENTS_PATH, base), {
            headers: { ...auth, Accept: 'text/event-stream' },
            signal: controller.signal,
          });
          if (!res.ok || !res.body) throw new ApiError(`event stream: HTTP ${res.status}`, undefined, res.status);
          backoff = initialBackoff;
          const feed = createSseParser(({ event, data }) => {
            if (!listeners.has(event as EventName)) return;
            try {
              emit(event as EventName, JSON.parse(data));
            } catch {
              // A malformed frame is dropped; the next change brings a full snapshot anyway.
            }
          });
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            feed(value);
          }
        } catch {
          if (controller.signal.aborted) return;
        }
        await sleep(backoff, controller.signal);
        backoff = Math.min(backoff * 2, opts.maxBackoffMs ?? 10_000);
      }
    };
    void loop();
  }

  function on(event: EventName, listener: (payload: unknown) => void): () => void {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    if (!stream) openStream();
    return () => {
      set.delete(listener);
      if ([...listeners.values()].every((s) => s.size === 0)) {
        stream?.abort();
        stream = null;
      }
    };
  }

  return buildApi(invoke, on);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
