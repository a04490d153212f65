import type { TraceDetail, TraceSpan } from './traces';

/** One row of the waterfall: a span, how deep it sits under the root, and where its bar goes. */
export interface WaterfallRow {
  span: TraceSpan;
  depth: number;
  /** Bar start and width as percentages of the trace's duration. */
  offsetPct: number;
  widthPct: number;
  /** Its parent was named but never received (a span lost or dropped upstream). */
  orphan: boolean;
  /**
   * Where the failure happened: an error span none of whose descendants failed. A failing client
   * span over a failing server span points at the server; the deepest error is the hop to look at.
   */
  failedHere: boolean;
}

/** Narrowest bar drawn, so a span of a few µs in a long trace stays visible. */
const MIN_WIDTH_PCT = 0.5;

/**
 * Spans in tree order (each parent followed by its children, siblings by start time), with their
 * depth and bar geometry. Spans whose parent is missing are shown as roots, flagged as orphans.
 */
export function waterfallRows(trace: TraceDetail): WaterfallRow[] {
  const { spans } = trace;
  if (!spans.length) return [];
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const children = new Map<string, TraceSpan[]>();
  const roots: TraceSpan[] = [];
  for (const s of spans) {
    if (s.parentSpanId && byId.has(s.parentSpanId) && s.parentSpanId !== s.spanId) {
      const list = children.get(s.parentSpanId) ?? [];
      list.push(s);
      children.set(s.parentSpanId, list);
    } else roots.push(s);
  }
  const byStart = (a: TraceSpan, b: TraceSpan) => a.startUs - b.startUs || a.spanId.localeCompare(b.spanId);
  roots.sort(byStart);
  for (const list of children.values()) list.sort(byStart);

  const start = Math.min(...spans.map((s) => s.startUs));
  const end = Math.max(...spans.map((s) => s.startUs + s.durationUs));
  const total = Math.max(end - start, 1);

  // Whether a span or anything under it failed, memoised (a trace can have thousands of spans).
  const failedBelow = new Map<string, boolean>();
  const anyFailed = (s: TraceSpan, seen: Set<string>): boolean => {
    const known = failedBelow.get(s.spanId);
    if (known !== undefined) return known;
    if (seen.has(s.spanId)) return false;
    seen.add(s.spanId);
    const result = s.status === 'error' || (children.get(s.spanId) ?? []).some((c) => anyFailed(c, seen));
    failedBelow.set(s.spanId, result);
    return result;
  };

  const rows: WaterfallRow[] = [];
  const visited = new Set<string>();
  // Iterative depth-first walk: a deep chain must not overflow the stack.
  const stack: Array<{ span: TraceSpan; depth: number }> = roots.map((span) => ({ span, depth: 0 })).reverse();
  while (stack.length) {
    const { span, depth } = stack.pop()!;
    if (visited.has(span.spanId)) continue;
    visited.add(span.spanId);
    const kids = children.get(span.spanId) ?? [];
    const offsetPct = ((span.startUs - start) / total) * 100;
    rows.push({
      span,
      depth,
      offsetPct,
      widthPct: Math.min(Math.max((span.durationUs / total) * 100, MIN_WIDTH_PCT), 100 - Math.min(offsetPct, 100 - MIN_WIDTH_PCT)),
      orphan: span.parentSpanId !== null && !byId.has(span.parentSpanId),
      failedHere: span.status === 'error' && !kids.some((c) => anyFailed(c, new Set())),
    });
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, depth: depth + 1 });
  }
  return rows;
}

/** The hop to look at first: the earliest span where a failure happened, or null when nothing failed. */
export function failingHop(rows: WaterfallRow[]): WaterfallRow | null {
  return rows.filter((r) => r.failedHere).sort((a, b) => a.span.startUs - b.span.startUs)[0] ?? null;
}
