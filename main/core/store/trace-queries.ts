import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { TraceDetail, TraceList, TraceListQuery, TraceSpan, TraceSummary } from '../../../common/traces';
import { decodeServices } from './append-rows';
import { SPAN_KINDS, SPAN_STATUSES } from './schema';
import { json, limitOf, num, rows, str, windowOf } from './sql';

/**
 * How far outside the window the parts of a picked trace are still summed: a trace's spans arrive
 * within the sampler's max wait (seconds), so ten minutes is generous and keeps the second pass on the
 * window's row groups instead of the whole table.
 */
const PART_SLACK_US = 10 * 60_000_000;

const TRACE_ID = /^[0-9a-f]{32}$/;

/** Trace lists and single traces, read from `trace_parts` and `spans` (schema.ts). */
export interface TraceQueries {
  /** Traces in a window: error traces first, then newest first. */
  listTraces(q?: TraceListQuery): Promise<TraceList>;
  /** Error traces of the last hour. */
  errorTraces(limit?: number): Promise<TraceList>;
  /** The traces of a job (service) in an alert's window, errors first. */
  tracesForWindow(service: string, fromUs: number, toUs: number, limit?: number): Promise<TraceList>;
  /** One trace with every stored span, ordered by start; null when no span of it is stored. */
  getTrace(traceId: string): Promise<TraceDetail | null>;
}

export function createTraceQueries(conn: DuckDBConnection, nowUs: () => number): TraceQueries {
  async function listTraces(q: TraceListQuery = {}): Promise<TraceList> {
    const { fromUs, toUs, boundUs } = windowOf(q, nowUs());
    const limit = limitOf(q.limit, 50, 1000);
    const params: DuckDBValue[] = [BigInt(Math.floor(fromUs)), BigInt(Math.ceil(boundUs))];
    const having: string[] = [];
    if (q.service !== undefined) {
      params.push(`,${q.service},`);
      having.push(`bool_or(contains(services, $${params.length}))`);
    }
    if (q.errorsOnly) having.push('sum(error_count) > 0');
    params.push(limit);
    const limitParam = `$${params.length}`;
    params.push(BigInt(PART_SLACK_US));
    const slack = `$${params.length}`;
    // First pass picks the traces from the window's parts; the second sums all their parts, so a
    // trace that began just before the window is not shown with half its spans.
    const sql = `
      WITH picked AS (
        SELECT trace_id, sum(error_count) > 0 AS has_error, min(start_us) AS first_us
        FROM trace_parts
        WHERE start_us >= $1 AND start_us < $2
        GROUP BY trace_id
        ${having.length ? `HAVING ${having.join(' AND ')}` : ''}
        ORDER BY has_error DESC, first_us DESC
        LIMIT ${limitParam}
      )
      SELECT p.trace_id,
        min(t.start_us) AS start_us, max(t.end_us) AS end_us,
        sum(t.span_count)::BIGINT AS span_count, sum(t.error_count)::BIGINT AS error_count,
        arg_min(t.root_service, t.start_us) FILTER (WHERE t.root_service IS NOT NULL) AS root_service,
        arg_min(t.root_name, t.start_us) FILTER (WHERE t.root_name IS NOT NULL) AS root_name,
        string_agg(t.services, '') AS services
      FROM picked p JOIN trace_parts t ON t.trace_id = p.trace_id
      WHERE t.start_us >= $1 - ${slack} AND t.start_us < $2 + ${slack}
      GROUP BY p.trace_id`;
    const traces = (await rows(conn, sql, params)).map(summaryOf);
    traces.sort((a, b) => Number(b.errorCount > 0) - Number(a.errorCount > 0) || b.startUs - a.startUs);
    return { traces, fromUs, toUs };
  }

  return {
    listTraces,
    errorTraces: (limit) => listTraces({ errorsOnly: true, ...(limit !== undefined ? { limit } : {}) }),
    tracesForWindow: (service, fromUs, toUs, limit) => listTraces({ service, fromUs, toUs, ...(limit !== undefined ? { limit } : {}) }),
    async getTrace(traceId) {
      if (!TRACE_ID.test(traceId)) return null;
      const [range] = await rows(conn, `SELECT min(start_us) AS lo, max(end_us) AS hi FROM trace_parts WHERE trace_id = $1`, [traceId]);
      if (!range || range.lo === null) return null;
      const spanRows = await rows(
        conn,
        `SELECT * FROM spans WHERE start_us >= $2 AND start_us <= $3 AND trace_id = $1 ORDER BY start_us, span_id`,
        [traceId, range.lo as bigint, range.hi as bigint],
      );
      if (spanRows.length === 0) return null;
      const spans = spanRows.map(spanOf);
      return { summary: summarise(traceId, spans), spans };
    },
  };
}

function summaryOf(r: Record<string, unknown>): TraceSummary {
  const startUs = num(r.start_us);
  return {
    traceId: String(r.trace_id),
    rootService: str(r.root_service),
    rootName: str(r.root_name),
    startUs,
    durationUs: num(r.end_us) - startUs,
    spanCount: num(r.span_count),
    errorCount: num(r.error_count),
    services: decodeServices(String(r.services ?? '')),
  };
}

function spanOf(r: Record<string, unknown>): TraceSpan {
  return {
    traceId: String(r.trace_id),
    spanId: String(r.span_id),
    parentSpanId: str(r.parent_span_id),
    service: String(r.service),
    name: String(r.name),
    kind: SPAN_KINDS[num(r.kind)] ?? 'unspecified',
    startUs: num(r.start_us),
    durationUs: num(r.duration_us),
    status: SPAN_STATUSES[num(r.status)] ?? 'unset',
    statusMessage: str(r.status_message),
    attributes: json(r.attributes, {}),
    events: json(r.events, []),
    links: json(r.links, []),
    resource: json(r.resource, {}),
    scope: str(r.scope),
  };
}

/** The summary of one trace from its spans (the same figures the list shows). */
export function summarise(traceId: string, spans: readonly TraceSpan[]): TraceSummary {
  let startUs = Infinity;
  let endUs = -Infinity;
  for (const s of spans) {
    startUs = Math.min(startUs, s.startUs);
    endUs = Math.max(endUs, s.startUs + s.durationUs);
  }
  const root = spans.find((s) => s.parentSpanId === null) ?? null;
  return {
    traceId,
    rootService: root?.service ?? null,
    rootName: root?.name ?? null,
    startUs,
    durationUs: endUs - startUs,
    spanCount: spans.length,
    errorCount: spans.filter((s) => s.status === 'error').length,
    services: [...new Set(spans.map((s) => s.service))].sort(),
  };
}
