/**
 * Forwards kept spans to another OTLP/HTTP receiver (Jaeger v2's `otlp` receiver), re-encoded as
 * protobuf ExportTraceServiceRequests: batched, one request in flight, retried with backoff on the
 * answers the OTLP specification calls retryable (429, 502, 503, 504, and no answer at all), honouring
 * Retry-After. The queue is bounded: spans that do not fit are dropped and counted, so a Jaeger that
 * is down costs memory up to the cap and no more. A non-retryable answer (400, 413, …) drops its
 * batch, counted as `rejected`.
 */
import type { Registry } from 'prom-client';
import type { Clock, Timer } from '../ports';
import type { SpanRecord } from '../store/records';
import { encodeSpans } from './encode';
import { counterIn, gaugeIn } from './registered-metrics';

export interface PostResult {
  /** HTTP status; 0 when no answer came (refused, reset, timed out). */
  status: number;
  retryAfterMs?: number;
  error?: string;
}

/** One POST; the default uses fetch with a timeout. */
export type Poster = (url: string, body: Uint8Array, timeoutMs: number) => Promise<PostResult>;

export interface ForwarderOptions {
  /** The traces endpoint, e.g. http://127.0.0.1:4320/v1/traces. */
  url: string;
  clock: Clock;
  /** Spans held at most (default 50,000). */
  maxQueueSpans?: number;
  /** Spans per request at most (default 2,000). */
  maxBatchSpans?: number;
  /** Send at most this long after spans arrived (default 1 s). */
  flushMs?: number;
  timeoutMs?: number;
  /** First retry delay, doubled per failure up to maxBackoffMs (defaults 1 s, 30 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  registry?: Registry;
  logger?: { warn(obj: object, msg: string): void };
  post?: Poster;
}

export interface ForwarderStats {
  queued: number;
  sent: number;
  droppedQueueFull: number;
  droppedRejected: number;
  retries: number;
  lastError: string | null;
}

export interface Forwarder {
  /** Queue spans; never blocks, never throws. */
  send(spans: readonly SpanRecord[]): void;
  stats(): ForwarderStats;
  /** Resolves once the queue is empty or the next attempt waits for a backoff (tests, shutdown). */
  drain(): Promise<void>;
  dispose(): void;
}

const RETRYABLE = new Set([429, 502, 503, 504]);

export const fetchPoster: Poster = async (url, body, timeoutMs) => {
  try {
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf' }, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    const retryAfter = Number(res.headers.get('retry-after'));
    return { status: res.status, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
  } catch (err) {
    return { status: 0, error: (err as Error).message };
  }
};

export function createForwarder(opts: ForwarderOptions): Forwarder {
  const { clock } = opts;
  const maxQueue = opts.maxQueueSpans ?? 50_000;
  const maxBatch = opts.maxBatchSpans ?? 2_000;
  const flushMs = opts.flushMs ?? 1_000;
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const initialBackoff = opts.initialBackoffMs ?? 1_000;
  const maxBackoff = opts.maxBackoffMs ?? 30_000;
  const post = opts.post ?? fetchPoster;
  const m = {
    sent: counterIn(opts.registry, { name: 'lookout_traces_forwarded_spans_total', help: 'Spans forwarded to the OTLP endpoint (Jaeger)' }),
    dropped: counterIn(opts.registry, { name: 'lookout_traces_forward_dropped_spans_total', help: 'Spans not forwarded: queue_full, rejected', labelNames: ['reason'] }),
    retries: counterIn(opts.registry, { name: 'lookout_traces_forward_retries_total', help: 'Forwarding requests retried' }),
    queued: gaugeIn(opts.registry, { name: 'lookout_traces_forward_queue_spans', help: 'Spans waiting to be forwarded' }),
  };
  const stats: ForwarderStats = { queued: 0, sent: 0, droppedQueueFull: 0, droppedRejected: 0, retries: 0, lastError: null };
  let queue: SpanRecord[] = [];
  let timer: Timer | null = null;
  let inFlight: Promise<unknown> | null = null;
  let backoffMs = 0;
  let waitingBackoff = false;
  let disposed = false;

  /** Start the next attempt after `ms`, unless one is running or already scheduled. */
  const run = (ms: number) => {
    if (disposed || timer !== null || inFlight || queue.length === 0) return;
    timer = clock.setTimeout(() => {
      timer = null;
      waitingBackoff = false;
      inFlight = attempt().then((next) => {
        inFlight = null;
        run(next);
      });
    }, ms);
  };
  const nextDelay = () => (queue.length >= maxBatch ? 0 : flushMs);

  /** One request; resolves with the delay before the next. */
  async function attempt(): Promise<number> {
    const batch = queue.slice(0, maxBatch);
    if (batch.length === 0) return flushMs;
    let body: Uint8Array;
    try {
      body = encodeSpans(batch);
    } catch (err) {
      // Records the encoder cannot take would fail every retry: drop them, counted.
      queue = queue.slice(batch.length);
      stats.droppedRejected += batch.length;
      m.dropped.inc({ reason: 'rejected' }, batch.length);
      stats.lastError = (err as Error).message;
      return nextDelay();
    }
    const result = await post(opts.url, body, timeoutMs);
    if (result.status === 0 || RETRYABLE.has(result.status)) {
      stats.retries++;
      m.retries.inc();
      stats.lastError = result.error ?? `HTTP ${result.status}`;
      backoffMs = Math.min(maxBackoff, backoffMs === 0 ? initialBackoff : backoffMs * 2);
      const wait = Math.max(backoffMs, result.retryAfterMs ?? 0);
      opts.logger?.warn({ url: opts.url, status: result.status, error: result.error, retryInMs: wait }, 'forwarding traces failed; retrying');
      waitingBackoff = true;
      return wait;
    }
    queue = queue.slice(batch.length);
    m.queued.set(queue.length);
    if (result.status >= 200 && result.status < 300) {
      stats.sent += batch.length;
      m.sent.inc(batch.length);
      backoffMs = 0;
    } else {
      stats.droppedRejected += batch.length;
      m.dropped.inc({ reason: 'rejected' }, batch.length);
      stats.lastError = `HTTP ${result.status}`;
      opts.logger?.warn({ url: opts.url, status: result.status, spans: batch.length }, 'forwarding endpoint refused a batch; dropped');
    }
    return nextDelay();
  }

  return {
    send(spans) {
      if (disposed || spans.length === 0) return;
      const room = maxQueue - queue.length;
      const take = Math.min(room, spans.length);
      if (take < spans.length) {
        stats.droppedQueueFull += spans.length - take;
        m.dropped.inc({ reason: 'queue_full' }, spans.length - take);
      }
      for (let i = 0; i < take; i++) queue.push(spans[i]!);
      m.queued.set(queue.length);
      if (waitingBackoff) return;
      // A full batch goes now rather than at the end of the flush interval.
      if (timer !== null && queue.length >= maxBatch) {
        clock.clearTimeout(timer);
        timer = null;
      }
      run(nextDelay());
    },
    stats: () => ({ ...stats, queued: queue.length }),
    async drain() {
      while (queue.length > 0 && !waitingBackoff && !disposed) {
        if (timer !== null) {
          clock.clearTimeout(timer);
          timer = null;
        }
        const current = inFlight ?? attempt();
        inFlight = current;
        await current;
        inFlight = null;
      }
    },
    dispose() {
      disposed = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  };
}
