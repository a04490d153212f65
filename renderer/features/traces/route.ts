/** What the Traces view takes from its hash route. */
export interface TracesRouteProps {
  traceId?: string;
  initialService?: string;
  initialErrorsOnly?: boolean;
  /** An alert's window (epoch µs; no end: up to now). */
  initialWindow?: TraceWindow;
}

/** A fixed window of the trace list, epoch µs; without `toUs` it runs up to now. */
export interface TraceWindow {
  fromUs: number;
  toUs?: number;
}

/**
 * The Traces view's props from a location hash: `#/traces`, `#/traces/<traceId>` (a log line's or a
 * trace row's link), `#/traces?service=<name>&errors=1` (an alert's traces link). Null when the hash
 * is not a traces route. Only what the route names is set, so the view keeps its other filters.
 */
export function parseTracesRoute(hash: string): TracesRouteProps | null {
  const m = /^#\/traces(?:\/([^?/]*))?\/?(?:\?(.*))?$/.exec(hash);
  if (!m) return null;
  const props: TracesRouteProps = {};
  const id = m[1] ? decodeURIComponent(m[1]) : '';
  if (id) props.traceId = id;
  const params = new URLSearchParams(m[2] ?? '');
  const service = params.get('service');
  if (service !== null) props.initialService = service;
  const errors = params.get('errors');
  if (errors !== null) props.initialErrorsOnly = errors === '1' || errors === 'true';
  const from = Number(params.get('from') ?? NaN);
  const to = Number(params.get('to') ?? NaN);
  if (Number.isFinite(from) && from > 0) props.initialWindow = { fromUs: from * 1000, ...(Number.isFinite(to) && to > from ? { toUs: to * 1000 } : {}) };
  return props;
}
