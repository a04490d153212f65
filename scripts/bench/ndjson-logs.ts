/**
 * A generated NDJSON log file shaped like the reference services' pino logs (the kit's schema:
 * `level` name, ISO `time`, `service`, `pid`, request/trace/span ids, `msg`), for the log-analysis
 * benchmark: mostly `request completed` lines with route, status and duration, some warnings and
 * debug lines, and ~5 % errors spread over 36 error templates with their variables (ports, ids, sizes,
 * paths, durations). Deterministic (a seeded PRNG), so every run measures the same bytes.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Mulberry32: small, fast, good enough to vary log lines. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES = [
  { service: 'llm', pid: 4101, routes: ['POST /v1/chat', 'POST /v1/embed', 'GET /healthz'] },
  { service: 'memory', pid: 4102, routes: ['GET /search', 'POST /store', 'GET /healthz'] },
  { service: 'gui', pid: 4103, routes: ['GET /', 'GET /api/session', 'POST /api/ask'] },
];

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const hex = (r: Rand, n: number) => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[int(r, 16)];
  return s;
};
const pick = <T>(r: Rand, xs: readonly T[]) => xs[int(r, xs.length)]!;
const word = (r: Rand) => pick(r, ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa']);

/** 36 error message shapes, each with the variables a real one would carry. */
export const ERROR_TEMPLATES: Array<(r: Rand) => string> = [
  (r) => `upstream timeout after ${1000 + int(r, 9000)} ms calling memory at 127.0.0.1:${8000 + int(r, 100)}`,
  (r) => `connect ECONNREFUSED 127.0.0.1:${5000 + int(r, 1000)}`,
  (r) => `model ${pick(r, ['llama-3-8b', 'mistral-7b', 'phi-3'])} returned 500: out of memory (requested ${512 + int(r, 4096)} MiB)`,
  (r) => `request failed: ${pick(r, ['POST', 'GET'])} /v1/chat answered 503 in ${int(r, 900)} ms`,
  (r) => `cache shard ${int(r, 16)} unavailable, falling back to disk`,
  (r) => `failed to parse prompt template ${word(r)}.tmpl at line ${int(r, 200)}`,
  (r) => `database query exceeded ${int(r, 30)} s deadline: SELECT * FROM items WHERE id = ${int(r, 1e6)}`,
  (r) => `vector index /var/lib/memory/index-${int(r, 9)}.bin is corrupt: checksum ${hex(r, 8)} != ${hex(r, 8)}`,
  (r) => `socket hang up while streaming response ${hex(r, 12)}`,
  (r) => `rate limit exceeded for client ${hex(r, 6)}: ${int(r, 500)} requests in 60 s`,
  (r) => `token budget exhausted: ${int(r, 9000)} of 8192 tokens used`,
  (r) => `embedding dimension mismatch: expected 768, got ${pick(r, [384, 512, 1024])}`,
  (r) => `session ${hex(r, 16)} expired ${int(r, 120)} minutes ago`,
  (r) => `invalid JSON body at position ${int(r, 4000)}: Unexpected token`,
  (r) => `write EPIPE on ipc socket /tmp/lookout-${int(r, 9999)}.sock`,
  (r) => `disk full writing /var/log/llm/trace-${int(r, 100)}.log (${int(r, 100)} bytes left)`,
  (r) => `GPU ${int(r, 4)} fell off the bus: Xid ${int(r, 120)}`,
  (r) => `worker ${int(r, 32)} crashed with exit code ${int(r, 255)}`,
  (r) => `TLS handshake with api.example.com failed: certificate expired on 2024-0${1 + int(r, 9)}-1${int(r, 9)}`,
  (r) => `retry ${int(r, 5)} of 5 failed for job ${hex(r, 10)}`,
  (r) => `unknown tool ${word(r)}_${word(r)} requested by model`,
  (r) => `context window overflow: ${4096 + int(r, 4096)} > 4096 tokens`,
  (r) => `memory search returned no results for query hash ${hex(r, 12)}`,
  (r) => `cannot open shared object file libcuda.so.${int(r, 3)}`,
  (r) => `healthcheck of memory failed: status ${pick(r, [500, 502, 503, 504])}`,
  (r) => `queue length ${int(r, 10000)} above limit 1000, dropping request ${hex(r, 8)}`,
  (r) => `permission denied opening /home/user${int(r, 9)}/.config/lookout/settings.json`,
  (r) => `user ${int(r, 1e5)} not authorised for workspace ${hex(r, 6)}`,
  (r) => `stream aborted by client after ${int(r, 5000)} ms`,
  (r) => `sampler produced NaN logits at step ${int(r, 2048)}`,
  (r) => `failed to load adapter ${word(r)}-lora-v${int(r, 9)}: file not found`,
  (r) => `deadlock detected on lock ${hex(r, 4)} held by pid ${1000 + int(r, 9000)}`,
  (r) => `unexpected EOF reading chunk ${int(r, 100)} of ${100 + int(r, 100)}`,
  (r) => `render failed for view ${word(r)}: undefined is not a function`,
  (r) => `upstream llm answered 429 Too Many Requests, retry after ${int(r, 60)} s`,
  (r) => `schema validation failed: field messages.${int(r, 20)}.content must be a string`,
];

export interface GeneratedLogs {
  lines: number;
  errorLines: number;
  bytes: number;
}

/** Write `lines` NDJSON lines to `file` (errors: `errorShare` of them, level "error"). */
export async function writeServiceLogs(file: string, lines: number, errorShare = 0.05, seed = 42): Promise<GeneratedLogs> {
  const r = prng(seed);
  const out = createWriteStream(file);
  let t = Date.parse('2025-03-01T08:00:00.000Z');
  let errorLines = 0;
  let bytes = 0;
  let buf = '';
  for (let i = 0; i < lines; i++) {
    t += int(r, 20);
    const s = pick(r, SERVICES);
    const base = `{"level":"%L","time":"${new Date(t).toISOString()}","service":"${s.service}","pid":${s.pid},"request_id":"${hex(r, 16)}","trace_id":"${hex(r, 32)}","span_id":"${hex(r, 16)}"`;
    const x = r();
    let line: string;
    if (x < errorShare) {
      errorLines++;
      line = `${base.replace('%L', 'error')},"msg":${JSON.stringify(pick(r, ERROR_TEMPLATES)(r))}}`;
    } else if (x < errorShare + 0.03) {
      line = `${base.replace('%L', 'warn')},"msg":"slow request: ${pick(r, s.routes)} took ${500 + int(r, 3000)} ms"}`;
    } else if (x < errorShare + 0.1) {
      line = `${base.replace('%L', 'debug')},"cache":"${pick(r, ['hit', 'miss'])}","key":"${hex(r, 12)}","msg":"cache lookup"}`;
    } else {
      const [method, route] = pick(r, s.routes).split(' ') as [string, string];
      line = `${base.replace('%L', 'info')},"method":"${method}","route":"${route}","path":"${route}","status":${r() < 0.98 ? 200 : 404},"duration_ms":${(int(r, 20000) / 10).toFixed(1)},"msg":"request completed"}`;
    }
    buf += `${line}\n`;
    if (buf.length > 1 << 20) {
      bytes += Buffer.byteLength(buf);
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  bytes += Buffer.byteLength(buf);
  out.end(buf);
  await once(out, 'finish');
  return { lines, errorLines, bytes };
}
