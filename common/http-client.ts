/**
 * The one client of Lookout's HTTP API: the browser-mode UI, the CLI, scripts and the tests all call
 * the contract through it. It needs only what browsers and Node share (fetch, streams, AbortSignal),
 * builds every request from HTTP_ROUTES, rebuilds errors from their envelope, and reads the event
 * stream with eventsource-parser (EventSource cannot send the Authorization header), reconnecting
 * with backoff and Last-Event-ID so a dropped stream resumes where it stopped.
 */
import { createParser } from 'eventsource-parser';
import { buildApi, EVENT_NAMES, EVENTS_PATH, fillPath, HTTP_ROUTES, type Api, type Channel, type ErrorEnvelope, type EventName, type Req, type Res } from './ipc';

/** A call main refused or failed, rebuilt from its ErrorEnvelope. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** The HTTP status (0 when the call did not go over HTTP). */
  readonly status: number;
  /** The envelope's code: `bad_request`, `unauthorized`, `io_error`, … */
  readonly code: string | undefined;
  constructor(message: string, opts: { status?: number; code?: string | undefined } = {}) {
    super(message);
    this.status = opts.status ?? 0;
    this.code = opts.code;
  }
}

/** Nothing answers at the URL: the instance is gone (or its serve file is stale). */
export class ApiUnreachableError extends Error {
  override readonly name = 'ApiUnreachableError';
}

/** Something answers but did not finish in time: the instance is there, only busy. */
export class ApiTimeoutError extends Error {
  override readonly name = 'ApiTimeoutError';
}

export interface HttpClientOptions {
  /** Origin of the instance, e.g. http://127.0.0.1:9469 (the browser passes location.origin). */
  baseUrl: string;
  token: string;
  /** Per call; default 30 s. The event stream has no timeout. */
  timeoutMs?: number;
  /** First reconnect delay of the event stream, doubling up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** The contract over HTTP: `client.stack.start({...})`, or `client.invoke('stack:start', {...})`. */
export type HttpClient = Api & {
  invoke<C extends Channel>(channel: C, req?: Req<C>): Promise<Res<C>>;
  /** Close the event stream (it also closes by itself when the last listener goes). */
  close(): void;
};

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const base = opts.baseUrl.replace(/\/$/, '');
  const auth = { Authorization: `Bearer ${opts.token}` };

  async function invoke<C extends Channel>(channel: C, req?: Req<C>): Promise<Res<C>> {
    const route: { method: string; path: string; refusedStatus?: number } = HTTP_ROUTES[channel];
    // `{param}` segments come from the request; the rest goes in the query (GET) or the body.
    const { path, rest } = fillPath(route.path, (req ?? {}) as Record<string, unknown>);
    const url = new URL(base + path);
    if (route.method === 'GET') for (const [k, v] of Object.entries(rest)) if (v !== undefined) url.searchParams.set(k, String(v));
    const timeoutMs = opts.timeoutMs ?? 30_000;
    let res: Response;
    try {
      res = await fetch(url, {
        method: route.method,
        headers: route.method === 'GET' ? auth : { ...auth, 'Content-Type': 'application/json' },
        body: route.method === 'GET' ? undefined : JSON.stringify(rest),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw transportError(err, base, timeoutMs);
    }
    const body = await readBody(res);
    // A refusal the contract declares (settings:update's 422) carries a result, not an error.
    if (res.ok || res.status === route.refusedStatus) return body as Res<C>;
    const envelope = (body as Partial<ErrorEnvelope> | undefined)?.error;
    throw new ApiError(envelope?.message ?? `${channel} failed: HTTP ${res.status}`, { status: res.status, code: envelope?.code });
  }

  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let stream: AbortController | null = null;

  function on(event: EventName, listener: (payload: unknown) => void): () => void {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    if (!stream) stream = openStream();
    return () => {
      set.delete(listener);
      if ([...listeners.values()].every((s) => s.size === 0)) close();
    };
  }

  function close(): void {
    stream?.abort();
    stream = null;
  }

  /** One stream for every listener; it starts with the current state, so a reconnect catches up too. */
  function openStream(): AbortController {
    const controller = new AbortController();
    const initialBackoff = opts.backoffMs ?? 500;
    let backoff = initialBackoff;
    let lastEventId: string | null = null;
    const parser = createParser({
      onEvent(message) {
        if (message.id) lastEventId = message.id;
        const event = message.event as EventName | undefined;
        if (!event || !EVENT_NAMES.includes(event)) return;
        let payload: unknown;
        try {
          payload = JSON.parse(message.data);
        } catch {
          // A malformed frame is dropped; the next change brings a full snapshot anyway.
          return;
        }
        for (const listener of [...(listeners.get(event) ?? [])]) listener(payload);
      },
    });

    const loop = async () => {
      while (!controller.signal.aborted) {
        try {
          const headers: Record<string, string> = { ...auth, Accept: 'text/event-stream' };
          if (lastEventId) headers['Last-Event-ID'] = lastEventId;
          const res = await fetch(base + EVENTS_PATH, { headers, signal: controller.signal });
          if (!res.ok || !res.body) throw new ApiError(`event stream: HTTP ${res.status}`, { status: res.status });
          backoff = initialBackoff;
          parser.reset();
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            parser.feed(value);
          }
        } catch {
          if (controller.signal.aborted) return;
        }
        await sleep(backoff, controller.signal);
        backoff = Math.min(backoff * 2, opts.maxBackoffMs ?? 10_000);
      }
    };
    void loop();
    return controller;
  }

  const api = buildApi((channel, req) => invoke(channel, req as never), on);
  return Object.assign(api, { invoke, close });
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

function transportError(err: unknown, base: string, timeoutMs: number): Error {
  const name = (err as { name?: string }).name;
  if (name === 'TimeoutError') return new ApiTimeoutError(`Lookout at ${base} did not answer within ${timeoutMs / 1000} s`, { cause: err });
  const cause = (err as { cause?: { code?: string } }).cause;
  return new ApiUnreachableError(`Lookout at ${base} did not answer (${cause?.code ?? (err as Error).message})`, { cause: err });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
