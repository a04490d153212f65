import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventMap, EventName } from '../../common/ipc';
import type { Core } from '../core/core';

/** Every event the stream forwards; typed over EventMap so a new event cannot be forgotten silently. */
const FORWARDED: { [E in EventName]: true } = { 'stack:changed': true, 'app:overall': true, 'metrics:sample': true, 'app:focus': true, 'settings:changed': true, 'alerts:changed': true };

/** A client that stops reading gets dropped once this much is queued, instead of growing our memory. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export interface EventStreams {
  /** Turn a GET on EVENTS_PATH (already authenticated) into a server-sent events stream. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Number of open streams (for tests and diagnostics). */
  readonly size: number;
  /** End every open stream, e.g. when the server shuts down. */
  closeAll(): void;
}

/** Encode one server-sent event. JSON.stringify never emits a raw newline, so one `data:` line is enough. */
export function formatEvent<E extends EventName>(event: E, payload: EventMap[E]): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/**
 * Server-sent events carrying the core's pushed events. The browser reads them with fetch + ReadableStream
 * (EventSource cannot send an Authorization header). Each stream starts with the current stack snapshot so
 * a client never has to fetch and subscribe in two racing steps; a comment line every `heartbeatMs` keeps
 * idle connections from being reaped and lets either side notice a dead peer.
 */
export function createEventStreams(core: Core, opts: { heartbeatMs?: number } = {}): EventStreams {
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const open = new Set<() => void>();

  function handle(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // Tells a reverse proxy, should anyone put one in front, not to buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);

    let closed = false;
    // Events that arrive before the initial snapshot is written are held back and sent after it: every
    // change emits an event, so the last thing the client sees is the newest state either way.
    let pending: string[] | null = [];

    const write = (chunk: string) => {
      if (closed) return;
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        close();
        return;
      }
      res.write(chunk);
    };
    const send = (chunk: string) => (pending ? pending.push(chunk) : write(chunk));

    // Subscribe before reading the snapshot, so no change can fall between the two.
    const unsubscribe = (Object.keys(FORWARDED) as EventName[]).map((event) =>
      core.on(event, (payload) => send(formatEvent(event, payload as never))),
    );
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();

    function close(): void {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      for (const off of unsubscribe) off();
      open.delete(close);
      if (!res.writableEnded) res.end();
    }
    open.add(close);
    res.on('close', close);

    // Tells a fetch-based client how long to wait before reconnecting (honoured by EventSource too).
    write('retry: 2000\n\n');
    core.handlers['stack:get']({}).then(
      (snapshot) => {
        const held = pending ?? [];
        pending = null;
        write(formatEvent('stack:changed', snapshot));
        for (const chunk of held) write(chunk);
      },
      (err: unknown) => {
        // Without a first snapshot the client would show stale state; close so it reconnects and retries.
        write(`: initial snapshot failed: ${String(err instanceof Error ? err.message : err).replace(/\n/g, ' ')}\n\n`);
        close();
      },
    );
  }

  return {
    handle,
    get size() {
      return open.size;
    },
    closeAll() {
      for (const close of [...open]) close();
    },
  };
}
