import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { buildApi, EVENTS_PATH, fillPath, HTTP_ROUTES, type Api, type Channel, type ErrorEnvelope, type Req, type Res } from '../../common/ipc';
import { writeFileAtomic } from '../core/atomic-write';
import type { Paths } from '../core/paths';

/** What a running `lookout serve` tells local clients (the CLI, scripts, benchmarks): where it is and how to get in. */
export interface ServeInfo {
  /** Base URL without the token, e.g. http://127.0.0.1:9469 */
  url: string;
  port: number;
  token: string;
  pid: number;
}

/**
 * Publish the running instance in paths.serveFile (0600: it holds the token). Written to a temp file and
 * renamed, so a reader never sees half a file.
 */
export async function writeServeFile(paths: Pick<Paths, 'serveFile'>, info: ServeInfo): Promise<void> {
  await mkdir(path.dirname(paths.serveFile), { recursive: true });
  await writeFileAtomic(paths.serveFile, `${JSON.stringify(info, null, 2)}\n`);
}

/**
 * Remove the serve file on shutdown, but only if it still names `pid`: a second instance that started
 * since (on another port) owns it now. Returns true when the file was removed.
 */
export async function removeServeFile(paths: Pick<Paths, 'serveFile'>, pid: number = process.pid): Promise<boolean> {
  const current = await readServeInfo(paths.serveFile);
  if (!current || current.pid !== pid) return false;
  await rm(paths.serveFile, { force: true });
  return true;
}

/**
 * The running instance of this home, or null when there is none: no file, an unreadable one, or one left
 * behind by a process that is gone (a crash skips the cleanup).
 */
export async function readServeFile(paths: Pick<Paths, 'serveFile'>): Promise<ServeInfo | null> {
  const info = await readServeInfo(paths.serveFile);
  return info && isAlive(info.pid) ? info : null;
}

async function readServeInfo(file: string): Promise<ServeInfo | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const { url, port, token, pid } = raw as Record<string, unknown>;
  if (typeof url !== 'string' || typeof port !== 'number' || typeof token !== 'string' || typeof pid !== 'number') return null;
  return { url, port, token, pid };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else; still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A contract call that failed on the server, rebuilt from its ErrorEnvelope. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Thrown when nothing answers at the URL (the instance died, or the serve file is stale). */
export class ApiUnreachableError extends Error {
  override name = 'ApiUnreachableError';
}

/** The contract over HTTP for Node clients: `client.stack.start({...})`, or `client.invoke('stack:start', {...})`. */
export type ApiClient = Api & {
  invoke<C extends Channel>(channel: C, req?: Req<C>): Promise<Res<C>>;
  /** Abort open event streams. */
  close(): void;
};

/**
 * A typed client of a running instance, built with the same `buildApi` as the preload, so the CLI calls
 * exactly the contract the UI does. Events arrive over the SSE stream (one connection per `on`).
 */
export function createApiClient(opts: { url: string; token: string; timeoutMs?: number }): ApiClient {
  const base = opts.url.replace(/\/$/, '');
  const auth = { Authorization: `Bearer ${opts.token}` };
  const streams = new Set<AbortController>();

  async function invoke<C extends Channel>(channel: C, req?: Req<C>): Promise<Res<C>> {
    const { method, path: template } = HTTP_ROUTES[channel];
    // `{param}` segments come from the request; the rest goes in the query (GET) or the body.
    const { path: routePath, rest } = fillPath(template, (req ?? {}) as Record<string, unknown>);
    const init: RequestInit = { method, headers: { ...auth }, signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000) };
    let target = `${base}${routePath}`;
    if (method === 'GET') {
      const query = new URLSearchParams(Object.entries(rest).map(([k, v]): [string, string] => [k, String(v)]));
      if ([...query].length) target += `?${query}`;
    } else {
      init.headers = { ...auth, 'Content-Type': 'application/json' };
      init.body = JSON.stringify(rest);
    }
    const res = await send(target, init);
    return (await readJson(res)) as Res<C>;
  }

  async function send(target: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(target, init);
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      throw new ApiUnreachableError(`Lookout at ${base} did not answer (${cause?.code ?? (err as Error).message})`, { cause: err });
    }
  }

  async function readJson(res: Response): Promise<unknown> {
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.ok) return body;
    const envelope = body as Partial<ErrorEnvelope> | undefined;
    const message = envelope?.error?.message ?? `HTTP ${res.status} ${res.statusText}`;
    throw new ApiError(message, res.status, envelope?.error?.code);
  }

  function on(event: string, listener: (payload: unknown) => void): () => void {
    const controller = new AbortController();
    streams.add(controller);
    void readEvents(`${base}${EVENTS_PATH}`, auth, controller.signal, (name, data) => {
      if (name === event) listener(data);
    }).catch(() => undefined).finally(() => streams.delete(controller));
    return () => {
      controller.abort();
      streams.delete(controller);
    };
  }

  const api = buildApi((channel, req) => invoke(channel, req as never), on);
  return Object.assign(api, {
    invoke,
    close() {
      for (const controller of streams) controller.abort();
      streams.clear();
    },
  });
}

/** Read a server-sent events stream with fetch (so it can carry the Authorization header). */
async function readEvents(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  onEvent: (name: string, data: unknown) => void,
): Promise<void> {
  const res = await fetch(url, { headers: { ...headers, Accept: 'text/event-stream' }, signal });
  if (!res.ok || !res.body) throw new ApiError(`event stream refused: HTTP ${res.status}`, res.status, undefined);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const parsed = parseEventBlock(block);
      if (parsed) onEvent(parsed.event, parsed.data);
    }
  }
}

/** One SSE block → event name and JSON data; comments and retry hints give null. */
export function parseEventBlock(block: string): { event: string; data: unknown } | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  return { event, data: JSON.parse(data.join('\n')) as unknown };
}
