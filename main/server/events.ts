import type { IncomingMessage, ServerResponse } from 'node:http';
import { EVENT_NAMES, type EventMap, type EventName } from '../../common/ipc';
import type { Core } from '../core/core';

/** A client that stops reading gets dropped once this much is queued, instead of growing our memory. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Recent events kept for clients that reconnect with Last-Event-ID (about 4 minutes of 1 Hz samples). */
const REPLAY_EVENTS = 256;

export interface EventStreams {
  /** Turn a GET on EVENTS_PATH (already authenticated) into a server-sent events stream. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Number of open streams (for tests and diagnostics). */
  readonly size: number;
  /** End every open stream and stop listening to the core, e.g. when the server shuts down. */
  closeAll(): void;
}

/** Encode one server-sent event. JSON.stringify never emits a raw newline, so one `data:` line is enough. */
export function formatEvent<E extends EventName>(event: E, payload: EventMap[E], id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

interface Client {
  write(chunk: string): void;
  close(): void;
}

/**
 * Server-sent events carrying the core's pushed events. The streams share one subscription per event
 * (200 open tabs are 200 writes, not 1,200 listeners on the core), and every event has an id. A client
 * that reconnects with a Last-Event-ID still in the replay buffer gets exactly what it missed; any other
 * stream starts with the current state of every store (stack, alerts, settings), so a client never has
 * to fetch and subscribe in two racing steps and a reconnect can never leave a store stale. A comment line
 * every `heartbeatMs` keeps idle connections from being reaped and lets either side notice a dead peer.
 */
export function createEventStreams(core: Core, opts: { heartbeatMs?: number } = {}): EventStreams {
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const clients = new Set<Client>();
  const recent: Array<{ id: number; chunk: string }> = [];
  let nextId = 1;

  const unsubscribe = EVENT_NAMES.map((event) =>
    core.on(event, (payload) => {
      const id = nextId++;
      const chunk = formatEvent(event, payload as never, id);
      recent.push({ id, chunk });
      if (recent.length > REPLAY_EVENTS) recent.shift();
      for (const client of clients) client.write(chunk);
    }),
  );

  /** The current state as events, stamped with the id of the newest event so far. */
  async function stateEvents(): Promise<string> {
    const id = nextId - 1;
    const [stack, alerts, settings] = await Promise.all([core.handlers['stack:get']({}), core.handlers['alerts:get']({}), core.handlers['settings:get']({})]);
    return (
      formatEvent('stack:changed', stack, id) +
      formatEvent('app:overall', stack.overall) +
      formatEvent('alerts:changed', alerts) +
      formatEvent('settings:changed', settings)
    );
  }

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
    // Events that arrive before the first state is written are held back and sent after it: every
    // change emits an event, so the last thing the client sees is the newest state either way.
    let pending: string[] | null = [];
    const write = (chunk: string) => {
      if (closed) return;
      if (res.writableLength > MAX_BUFFERED_BYTES) return client.close();
      res.write(chunk);
    };
    const client: Client = {
      write: (chunk) => (pending ? pending.push(chunk) : write(chunk)),
      close() {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        clients.delete(client);
        if (!res.writableEnded) res.end();
      },
    };
    clients.add(client);
    res.on('close', () => client.close());
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();

    // Tells the client how long to wait before reconnecting (honoured by EventSource too).
    write('retry: 2000\n\n');
    const start = () => {
      const held = pending ?? [];
      pending = null;
      for (const chunk of held) write(chunk);
    };
    const lastId = Number(req.headers['last-event-id']);
    const from = Number.isInteger(lastId) ? recent.findIndex((e) => e.id === lastId) : -1;
    if (from >= 0) {
      for (const e of recent.slice(from + 1)) write(e.chunk);
      start();
      return;
    }
    stateEvents().then(
      (chunk) => {
        write(chunk);
        start();
      },
      (err: unknown) => {
        // Without a first state the client would show stale data; close so it reconnects and retries.
        write(`: initial state failed: ${String(err instanceof Error ? err.message : err).replace(/\n/g, ' ')}\n\n`);
        client.close();
      },
    );
  }

  return {
    handle,
    get size() {
      return clients.size;
    },
    closeAll() {
      for (const client of [...clients]) client.close();
      for (const off of unsubscribe) off();
    },
  };
}
