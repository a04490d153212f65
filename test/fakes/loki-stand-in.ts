/**
 * A stand-in for Loki's push API (Loki cannot run on these machines): a node:http server on 127.0.0.1
 * implementing `POST /loki/api/v1/push` with a JSON body as Loki's HTTP API reference documents it —
 *   {"streams":[{"stream":{<label>:<value>,…},"values":[["<unix epoch ns, string>","<line>"(,{structured metadata})],…]}]}
 * — and checking it the way Loki's distributor does: `Content-Type: application/json` (anything else
 * is taken as protobuf by Loki, and refused here), optional `Content-Encoding: gzip`, at least one label
 * per stream, label names `[a-zA-Z_][a-zA-Z0-9_]*` without the reserved `__` prefix, at most 15 labels
 * (`max_label_names_per_series`), values as decimal nanosecond strings, lines as strings, structured
 * metadata as string → string. With `orderedWrites` it also refuses an entry older than its stream's
 * newest ("entry out of order", Loki before 2.4 or `unordered_writes: false`); an entry with the same
 * timestamp and line as one already stored in its stream is dropped silently, as Loki does.
 * Successful pushes answer 204. `mode` makes it fail on command: `down` resets every connection,
 * `{ status }` answers that status (429 with Retry-After: 1, 5xx, 400).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface LokiEntry {
  ts: string;
  line: string;
  metadata?: Record<string, string>;
}

export type StandInMode = 'up' | 'down' | { status: number; body?: string };

export interface LokiStandIn {
  url: string;
  /** Entries stored per stream (key: labels as `{a="b",…}` sorted by name), in the order accepted. */
  streams: Map<string, LokiEntry[]>;
  /** Every request's headers (lower-case names), for tenant and auth checks. */
  requests: { headers: http.IncomingHttpHeaders; status: number }[];
  mode: StandInMode;
  /** All stored lines, in arrival order. */
  lines(): string[];
  close(): Promise<void>;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const NS = /^\d{1,19}$/;

function streamKey(labels: Record<string, string>): string {
  return `{${Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`).join(', ')}}`;
}

/** Loki's validation of one push body: the error text it would answer with 400, or null. */
function validate(body: unknown): string | null {
  if (!body || typeof body !== 'object' || !Array.isArray((body as { streams?: unknown }).streams)) return 'error parsing push request: streams must be an array';
  for (const s of (body as { streams: unknown[] }).streams) {
    const stream = (s as { stream?: unknown }).stream;
    const values = (s as { values?: unknown }).values;
    if (!stream || typeof stream !== 'object' || Array.isArray(stream)) return 'error parsing labels: stream must be an object';
    const names = Object.keys(stream);
    if (names.length === 0) return 'error at least one label pair is required per stream';
    if (names.length > 15) return `entry for stream '${streamKey(stream as Record<string, string>)}' has 16 label names; limit 15`;
    for (const n of names) {
      if (!LABEL_NAME.test(n) || n.startsWith('__')) return `error parsing labels: invalid label name "${n}"`;
      if (typeof (stream as Record<string, unknown>)[n] !== 'string') return `error parsing labels: value of ${n} must be a string`;
    }
    if (!Array.isArray(values)) return 'error parsing push request: values must be an array';
    for (const v of values) {
      if (!Array.isArray(v) || v.length < 2 || v.length > 3) return 'error parsing push request: each value is [timestamp, line] or [timestamp, line, metadata]';
      if (typeof v[0] !== 'string' || !NS.test(v[0])) return `error parsing push request: timestamp must be a string of nanoseconds, got ${JSON.stringify(v[0])}`;
      if (typeof v[1] !== 'string') return 'error parsing push request: line must be a string';
      if (v.length === 3 && (typeof v[2] !== 'object' || v[2] === null || Object.values(v[2] as object).some((x) => typeof x !== 'string'))) return 'error parsing push request: structured metadata must map strings to strings';
    }
  }
  return null;
}

export async function startLokiStandIn(opts: { orderedWrites?: boolean } = {}): Promise<LokiStandIn> {
  const streams = new Map<string, LokiEntry[]>();
  const seen = new Map<string, Set<string>>();
  const requests: LokiStandIn['requests'] = [];
  const state = { mode: 'up' as StandInMode };
  const server = http.createServer((req, res) => {
    if (state.mode === 'down') {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, text = '', headers: Record<string, string> = {}) => {
        requests.push({ headers: req.headers, status });
        res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(text);
      };
      if (typeof state.mode === 'object') return answer(state.mode.status, state.mode.body ?? `stand-in answering ${state.mode.status}`, state.mode.status === 429 ? { 'retry-after': '1' } : {});
      if (req.method !== 'POST' || req.url !== '/loki/api/v1/push') return answer(404, '404 page not found');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return answer(415, 'stand-in accepts only application/json (Loki would parse this as snappy protobuf)');
      let raw = Buffer.concat(chunks);
      try {
        if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      } catch {
        return answer(400, 'error decompressing gzip body');
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        return answer(400, `error parsing push request: ${(err as Error).message}`);
      }
      const problem = validate(body);
      if (problem) return answer(400, problem);
      const rejected: string[] = [];
      for (const s of (body as { streams: { stream: Record<string, string>; values: [string, string, Record<string, string>?][] }[] }).streams) {
        const key = streamKey(s.stream);
        const list = streams.get(key) ?? [];
        streams.set(key, list);
        const dups = seen.get(key) ?? new Set<string>();
        seen.set(key, dups);
        for (const [ts, line, metadata] of s.values) {
          const newest = list.at(-1);
          if (dups.has(`${ts}\u0000${line}`)) continue;
          if (opts.orderedWrites && newest && BigInt(ts) < BigInt(newest.ts)) {
            rejected.push(`entry with timestamp ${ts} ignored, reason: 'entry out of order' for stream: ${key}`);
            continue;
          }
          dups.add(`${ts}\u0000${line}`);
          list.push(metadata ? { ts, line, metadata } : { ts, line });
        }
      }
      if (rejected.length) return answer(400, `${rejected.length} errors like: ${rejected[0]}`);
      answer(204);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    streams,
    requests,
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    lines: () => [...streams.values()].flat().sort((a, b) => (BigInt(a.ts) < BigInt(b.ts) ? -1 : BigInt(a.ts) > BigInt(b.ts) ? 1 : 0)).map((e) => e.line),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
