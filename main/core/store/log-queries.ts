import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type {
  LogErrorsQuery,
  LogErrorsResult,
  LogLatencyQuery,
  LogLatencyResult,
  LogLine,
  LogPatternsQuery,
  LogPatternsResult,
  LogSearchQuery,
  LogSearchResult,
} from '../../../common/logs';
import type { LogLevel } from './records';
import { levelFromRank, levelRank } from './schema';
import { json, limitOf, num, rows, str, windowOf } from './sql';

/** Log search and analysis over the `logs` table. Every query is bounded by a time window (zone maps). */
export interface LogQueries {
  /**
   * `templateIds` (not part of the contract) widens `templateId` to every id the pattern's lines were
   * stored with (templates merge; the analysis knows which ids): `templateId` alone when empty or unset.
   */
  searchLogs(q?: LogSearchQuery & { templateIds?: readonly string[] }): Promise<LogSearchResult>;
  /** Error lines grouped by pattern (by exact message when a line has no template). */
  logErrors(q?: LogErrorsQuery): Promise<LogErrorsResult>;
  /** Patterns with their counts per bucket of the window (sparklines). */
  logPatterns(q?: LogPatternsQuery): Promise<LogPatternsResult>;
  /** Percentiles of `durationMs` per route or per pattern. */
  logLatency(q?: LogLatencyQuery): Promise<LogLatencyResult>;
  /**
   * For each followed file (the key part of `log.record.uid`, `<key>:<byte offset>`), the highest offset
   * stored. Lines are delivered at least once; the log pipeline drops a line at or below this offset,
   * which makes a replay after a crash exactly-once in the store.
   */
  storedOffsets(): Promise<Map<string, number>>;
}

/** The grouping key: the template id, or the message itself for lines the analysis has not seen. */
const GROUP_KEY = `coalesce(template_id, 'message:' || message)`;

/** Builds `WHERE` clauses with numbered parameters. */
class Where {
  readonly params: DuckDBValue[] = [];
  readonly clauses: string[] = [];
  add(sql: (p: string) => string, value: DuckDBValue): this {
    this.params.push(value);
    this.clauses.push(sql(`$${this.params.length}`));
    return this;
  }
  param(value: DuckDBValue): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  toString(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

function baseWhere(q: { service?: string; minLevel?: LogLevel }, fromUs: number, boundUs: number): Where {
  const w = new Where().add((p) => `time_us >= ${p}`, BigInt(Math.floor(fromUs))).add((p) => `time_us < ${p}`, BigInt(Math.ceil(boundUs)));
  if (q.service !== undefined) w.add((p) => `service = ${p}`, q.service);
  if (q.minLevel !== undefined) w.add((p) => `level >= ${p}`, levelRank(q.minLevel));
  return w;
}

export function createLogQueries(conn: DuckDBConnection, nowUs: () => number): LogQueries {
  return {
    async storedOffsets() {
      const found = await rows(
        conn,
        `SELECT split_part(u, ':', 1) AS k, max(TRY_CAST(split_part(u, ':', 2) AS BIGINT)) AS o
           FROM (SELECT json_extract_string(attributes, '$."log.record.uid"') AS u FROM logs WHERE source IN ('file', 'stack', 'lookout'))
          WHERE u IS NOT NULL GROUP BY k`,
      );
      return new Map(found.filter((r) => r.o !== null).map((r) => [String(r.k), Number(r.o)]));
    },
    async searchLogs(q = {}) {
      const { fromUs, toUs, boundUs } = windowOf(q, nowUs());
      const w = baseWhere(q, fromUs, boundUs);
      if (q.text) w.add((p) => `contains(lower(message), ${p})`, q.text.toLowerCase());
      if (q.traceId) w.add((p) => `trace_id = ${p}`, q.traceId.toLowerCase());
      if (q.templateId) {
        const ids = [...new Set([q.templateId, ...(q.templateIds ?? [])])];
        w.clauses.push(`template_id IN (${ids.map((id) => w.param(id)).join(', ')})`);
      }
      const limit = w.param(limitOf(q.limit, 200, 10_000));
      const lines = (await rows(conn, `SELECT * FROM logs ${w} ORDER BY time_us DESC LIMIT ${limit}`, w.params)).map(lineOf);
      return { lines, fromUs, toUs };
    },

    async logErrors(q = {}) {
      const { fromUs, toUs, boundUs } = windowOf(q, nowUs());
      const w = baseWhere({ ...q, minLevel: q.minLevel ?? 'error' }, fromUs, boundUs);
      const examples = w.param(limitOf(q.examples, 3, 20));
      const limit = w.param(limitOf(q.limit, 50, 1000));
      const sql = `
        SELECT ${GROUP_KEY} AS k, any_value(template_id) AS template_id, any_value(coalesce(template, message)) AS template,
          count(*)::BIGINT AS n, min(time_us) AS first_us, max(time_us) AS last_us,
          list(DISTINCT service ORDER BY service) AS services,
          arg_max(trace_id, time_us) FILTER (WHERE trace_id IS NOT NULL) AS example_trace,
          max_by(message, time_us, ${examples}) AS examples
        FROM logs ${w}
        GROUP BY k ORDER BY n DESC, last_us DESC LIMIT ${limit}`;
      const groups = (await rows(conn, sql, w.params)).map((r) => ({
        templateId: str(r.template_id),
        template: String(r.template),
        count: num(r.n),
        firstSeenUs: num(r.first_us),
        lastSeenUs: num(r.last_us),
        services: (r.services as string[]) ?? [],
        exampleTraceId: str(r.example_trace),
        examples: (r.examples as string[]) ?? [],
      }));
      return { groups, fromUs, toUs };
    },

    async logPatterns(q = {}) {
      const { fromUs, toUs, boundUs } = windowOf(q, nowUs());
      const buckets = limitOf(q.buckets, 30, 500);
      const bucketUs = Math.max(1, Math.ceil((toUs - fromUs) / buckets));
      const w = baseWhere(q, fromUs, boundUs);
      const from = w.param(BigInt(Math.floor(fromUs)));
      const width = w.param(BigInt(bucketUs));
      const limit = w.param(limitOf(q.limit, 50, 1000));
      // One pass groups by (pattern, bucket); the outer query keeps the most frequent patterns.
      const sql = `
        WITH b AS (
          SELECT ${GROUP_KEY} AS k, any_value(template_id) AS template_id, any_value(coalesce(template, message)) AS template,
            max(level) AS lvl, ((time_us - ${from}) // ${width})::INTEGER AS bucket, count(*)::BIGINT AS c
          FROM logs ${w} GROUP BY k, bucket
        )
        SELECT k, any_value(template_id) AS template_id, any_value(template) AS template, max(lvl) AS lvl,
          sum(c)::BIGINT AS n, list({'b': bucket, 'c': c}) AS counts
        FROM b GROUP BY k ORDER BY n DESC LIMIT ${limit}`;
      const patterns = (await rows(conn, sql, w.params)).map((r) => {
        const counts = new Array<number>(buckets).fill(0);
        // Lines stamped slightly ahead of now (clock skew) count in the last bucket.
        for (const e of (r.counts as { b: number; c: bigint }[]) ?? []) if (e.b >= 0) counts[Math.min(e.b, buckets - 1)]! += num(e.c);
        return { templateId: str(r.template_id), template: String(r.template), count: num(r.n), maxLevel: levelFromRank(r.lvl === null ? null : num(r.lvl)), counts };
      });
      return { patterns, fromUs, toUs, bucketUs };
    },

    async logLatency(q = {}) {
      const { fromUs, toUs, boundUs } = windowOf(q, nowUs());
      const by = q.by ?? 'route';
      const w = baseWhere(q, fromUs, boundUs);
      w.clauses.push('duration_ms IS NOT NULL', by === 'route' ? 'route IS NOT NULL' : 'template_id IS NOT NULL');
      const limit = w.param(limitOf(q.limit, 50, 1000));
      const key = by === 'route' ? 'route' : 'template_id';
      const label = by === 'route' ? 'any_value(route)' : 'any_value(template)';
      const sql = `
        SELECT ${key} AS k, ${label} AS label, count(*)::BIGINT AS n,
          quantile_cont(duration_ms, [0.5, 0.9, 0.95, 0.99]) AS q, max(duration_ms) AS mx
        FROM logs ${w} GROUP BY k ORDER BY n DESC LIMIT ${limit}`;
      const out = (await rows(conn, sql, w.params)).map((r) => {
        const qs = (r.q as number[]) ?? [];
        return { key: String(r.k), label: String(r.label ?? r.k), count: num(r.n), p50Ms: qs[0] ?? 0, p90Ms: qs[1] ?? 0, p95Ms: qs[2] ?? 0, p99Ms: qs[3] ?? 0, maxMs: num(r.mx) };
      });
      return { rows: out, by, fromUs, toUs };
    },
  };
}

function lineOf(r: Record<string, unknown>): LogLine {
  return {
    timeUs: num(r.time_us),
    service: String(r.service),
    source: String(r.source),
    origin: String(r.origin),
    level: levelFromRank(r.level === null || r.level === undefined ? null : num(r.level)),
    message: String(r.message),
    traceId: str(r.trace_id),
    spanId: str(r.span_id),
    attributes: json(r.attributes, {}),
    templateId: str(r.template_id),
    template: str(r.template),
    durationMs: r.duration_ms === null || r.duration_ms === undefined ? null : num(r.duration_ms),
    route: str(r.route),
  };
}
