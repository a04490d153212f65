import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Api } from '../../../common/ipc';
import type { TraceAttributeValue, TraceSpan, TraceSummary } from '../../../common/traces';
import { formatDuration, formatSeconds } from '../../lib/format';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import type { TracesRouteProps } from './route';
import { failingHop, waterfallRows, type WaterfallRow } from '../../../common/trace-waterfall';
import { useTracesStore, visibleTraces, type TraceFilters } from './useTracesStore';
import './traces.css';

const us = (durationUs: number) => formatSeconds(durationUs / 1e6);
const timeOf = (epochUs: number) => new Date(epochUs / 1000).toLocaleTimeString();
const shortId = (traceId: string) => traceId.slice(0, 8);
/** Only a well-formed id makes a Jaeger link (the allowlist accepts nothing else). */
const TRACE_ID = /^[0-9a-f]{32}$/;
/** Span rows drawn before "Show all": a trace of thousands of spans stays quick to open. */
const SPANS_SHOWN = 300;

/** Go to a hash route of the UI, only when the view is shown under #/traces (the App's router owns the hash). */
function navigate(route: string): void {
  if (typeof window !== 'undefined' && window.location.hash.startsWith('#/traces') && window.location.hash !== route) window.location.hash = route;
}

/**
 * Recent traces (errors first) with filters, and one trace as a waterfall that points at the hop that
 * failed. `traceId` comes from the deep link `#/traces/<id>`; `initialService` / `initialErrorsOnly`
 * from `#/traces?service=<name>&errors=1` (an alert's traces link). Filters not named by the route
 * stay as the user left them.
 */
export function TracesView({ api, traceId, initialService, initialErrorsOnly, initialWindow }: { api: Api; traceId?: string } & Omit<TracesRouteProps, 'traceId'>) {
  const connect = useTracesStore((s) => s.connect);
  const open = useTracesStore((s) => s.open);
  const select = useTracesStore((s) => s.select);
  useEffect(() => connect(api), [api, connect]);
  useEffect(() => {
    const route: Partial<TraceFilters> = {};
    if (initialService !== undefined) route.service = initialService;
    if (initialErrorsOnly !== undefined) route.errorsOnly = initialErrorsOnly;
    if (initialWindow !== undefined) route.window = initialWindow;
    void open(route);
    // The window's numbers, not its object: a re-render with the same route must not reload.
  }, [api, open, initialService, initialErrorsOnly, initialWindow?.fromUs, initialWindow?.toUs]);
  // A deep link selects its trace; leaving it (back to #/traces) closes the trace.
  const linked = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (traceId) void select(traceId);
    else if (linked.current) void select(null);
    linked.current = traceId;
  }, [api, select, traceId]);

  return (
    <section className="traces" aria-labelledby="traces-title">
      <header className="section-header">
        <h1 id="traces-title" tabIndex={-1}>
          Traces
        </h1>
      </header>
      <Filters />
      <TraceListView />
      <TraceDetailView />
    </section>
  );
}

function Filters() {
  const filters = useTracesStore((s) => s.filters);
  const known = useTracesStore((s) => s.knownServices);
  const loading = useTracesStore((s) => s.loadingList);
  const setFilters = useTracesStore((s) => s.setFilters);
  const loadList = useTracesStore((s) => s.loadList);
  const id = useId();
  const services = filters.service && !known.includes(filters.service) ? [...known, filters.service].sort() : known;
  return (
    <form role="search" aria-label="Filter traces" className="traces-filters" onSubmit={(e) => {
        e.preventDefault();
        void loadList();
      }}>
      <label htmlFor={`${id}-service`}>Service</label>
      <select id={`${id}-service`} value={filters.service} onChange={(e) => void setFilters({ service: e.target.value })}>
        <option value="">All services</option>
        {services.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <label className="traces-check">
        <input type="checkbox" checked={filters.errorsOnly} onChange={(e) => void setFilters({ errorsOnly: e.target.checked })} /> Errors only
      </label>
      <label htmlFor={`${id}-min`}>Min duration (ms)</label>
      <input
        id={`${id}-min`}
        type="number"
        min={0}
        step="any"
        inputMode="decimal"
        value={filters.minDurationMs ?? ''}
        onChange={(e) => {
          const v = e.target.value === '' ? null : Number(e.target.value);
          void setFilters({ minDurationMs: v === null || !Number.isFinite(v) || v <= 0 ? null : v });
        }}
      />
      {filters.window && (
        <span className="traces-window">
          Alert window from {clockTime(filters.window.fromUs)}
          {filters.window.toUs !== undefined ? ` to ${clockTime(filters.window.toUs)}` : ' to now'}{' '}
          <Button type="button" onClick={() => void setFilters({ window: null })}>
            Last hour
          </Button>
        </span>
      )}
      <Button type="submit" disabled={loading}>
        {loading ? 'Loading…' : 'Refresh'}
      </Button>
    </form>
  );
}

/** "the last hour" for the store's default window, else its length. */
/** Epoch µs as the local wall-clock time, e.g. 14:05. */
function clockTime(us: number): string {
  return new Date(us / 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function windowText(fromUs: number, toUs: number): string {
  const ms = (toUs - fromUs) / 1000;
  return Math.abs(ms - 3_600_000) < 1000 ? 'the last hour' : `the last ${formatDuration(ms)}`;
}

function TraceListView() {
  const list = useTracesStore((s) => s.list);
  const filters = useTracesStore((s) => s.filters);
  const error = useTracesStore((s) => s.listError);
  const loading = useTracesStore((s) => s.loadingList);
  const receiver = useTracesStore((s) => s.receiver);
  const shown = useMemo(() => visibleTraces(list, filters), [list, filters]);

  if (error) return <p role="alert" className="banner banner-critical">{error}</p>;
  if (!list) return <p className="muted">{loading ? 'Loading traces…' : ''}</p>;
  if (!shown.length) {
    const filtered = filters.service !== '' || filters.errorsOnly || filters.minDurationMs !== null;
    if (filtered && list.traces.length) return <p className="muted">No trace of {windowText(list.fromUs, list.toUs)} is at least {filters.minDurationMs} ms long.</p>;
    if (filtered) return <p className="muted">No traces match these filters in {windowText(list.fromUs, list.toUs)}.</p>;
    return <EmptyState window={windowText(list.fromUs, list.toUs)} endpoint={receiver?.endpoint ?? null} enabled={receiver?.enabled ?? true} />;
  }
  return (
    <ul role="list" aria-label="Recent traces" className="trace-list">
      {shown.map((t) => (
        <TraceRow key={t.traceId} trace={t} />
      ))}
    </ul>
  );
}

function EmptyState({ window, endpoint, enabled }: { window: string; endpoint: string | null; enabled: boolean }) {
  if (!enabled) return <p className="muted">No traces in {window}: the OTLP receiver is turned off (traces.receiver.enabled in settings), so nothing can send any.</p>;
  const url = endpoint ?? 'http://127.0.0.1:4318';
  return (
    <div className="traces-empty">
      <p className="muted">No traces in {window}.</p>
      <p className="muted">
        Lookout receives OTLP/HTTP (protobuf or JSON) at <code>{url}/v1/traces</code>. Point a service&apos;s OpenTelemetry exporter there, e.g.{' '}
        <code>OTEL_EXPORTER_OTLP_ENDPOINT={url}</code>, or run <code>lookout demo</code> for example traffic.
      </p>
    </div>
  );
}

function TraceRow({ trace: t }: { trace: TraceSummary }) {
  const selectedId = useTracesStore((s) => s.selectedId);
  const select = useTracesStore((s) => s.select);
  const selected = selectedId === t.traceId;
  const name = t.rootName ?? '(root span not received)';
  return (
    <li className={`trace-row${selected ? ' trace-row-selected' : ''}${t.errorCount ? ' trace-row-error' : ''}`} aria-label={`${name} ${shortId(t.traceId)}`}>
      <div className="trace-row-main">
        <button
          type="button"
          className="link trace-open"
          aria-current={selected ? 'true' : undefined}
          onClick={() => {
            void select(t.traceId);
            navigate(`#/traces/${t.traceId}`);
          }}
        >
          {name}
        </button>
        {t.errorCount > 0 && (
          <Badge tone="critical" testId={`trace-errors-${t.traceId}`}>
            {t.errorCount === 1 ? '1 error' : `${t.errorCount} errors`}
          </Badge>
        )}
      </div>
      <p className="trace-row-facts muted">
        <span>{t.rootService ?? t.services[0] ?? '—'}</span>
        {t.services.length > 1 && <span title={t.services.join(', ')}>{t.services.join(', ')}</span>}
        <span>{us(t.durationUs)}</span>
        <span>{t.spanCount === 1 ? '1 span' : `${t.spanCount} spans`}</span>
        <span>{timeOf(t.startUs)}</span>
      </p>
    </li>
  );
}

/** Why a span failed, in the words it left: its status message, an exception event, or its HTTP status. */
export function errorText(span: TraceSpan): string {
  if (span.statusMessage) return span.statusMessage;
  const exception = span.events.find((e) => e.name === 'exception');
  const exMessage = exception?.attributes['exception.message'];
  if (typeof exMessage === 'string' && exMessage) return exMessage;
  const http = span.attributes['http.response.status_code'] ?? span.attributes['http.status_code'];
  if (http !== undefined && http !== null) return `HTTP ${String(http)}`;
  return 'status error (no message)';
}

function TraceDetailView() {
  const selectedId = useTracesStore((s) => s.selectedId);
  const detail = useTracesStore((s) => s.detail);
  const loading = useTracesStore((s) => s.loadingDetail);
  const error = useTracesStore((s) => s.detailError);
  const notFound = useTracesStore((s) => s.notFound);
  const stillLooking = useTracesStore((s) => s.stillLooking);
  const jaegerUrl = useTracesStore((s) => s.jaegerUrl);
  const select = useTracesStore((s) => s.select);
  const rows = useMemo(() => (detail ? waterfallRows(detail) : []), [detail]);
  const failing = useMemo(() => failingHop(rows), [rows]);
  const [allSpans, setAllSpans] = useState(false);
  useEffect(() => setAllSpans(false), [selectedId]);
  if (!selectedId) return null;

  const close = () => {
    void select(null);
    navigate('#/traces');
  };
  return (
    <section className="trace-detail" aria-labelledby="trace-detail-title">
      <header className="section-header">
        <h2 id="trace-detail-title" className="subhead">
          {detail?.summary.rootName ?? 'Trace'} <code title={selectedId}>{shortId(selectedId)}</code>
        </h2>
        <span className="trace-detail-actions">
          {jaegerUrl && TRACE_ID.test(selectedId) && (
            <a href={`${jaegerUrl}/trace/${selectedId}`} target="_blank" rel="noreferrer">
              Open in Jaeger
            </a>
          )}
          <button type="button" className="link" onClick={close}>
            Close
          </button>
        </span>
      </header>
      {loading && <p className="muted">Loading trace…</p>}
      {error && <p role="alert" className="banner banner-critical">{error}</p>}
      {notFound &&
        (stillLooking ? (
          <p className="muted">Trace {selectedId} is not in the store yet: a trace is written once its spans stop arriving. Looking again…</p>
        ) : (
          <p className="muted">Trace {selectedId} is not in the store: it was not kept by sampling, or is past retention.</p>
        ))}
      {detail && (
        <>
          <p className="trace-detail-facts muted">
            {us(detail.summary.durationUs)} · {detail.summary.spanCount === 1 ? '1 span' : `${detail.summary.spanCount} spans`} · {detail.summary.services.join(', ')} · {timeOf(detail.summary.startUs)}
          </p>
          {failing ? (
            <p className="banner banner-critical trace-failure" data-testid="trace-failure">
              Failed in <strong>{failing.span.service}</strong> at <strong>{failing.span.name}</strong>: {errorText(failing.span)}
            </p>
          ) : (
            <p className="muted">No span failed.</p>
          )}
          <ol role="list" aria-label="Spans" className="waterfall">
            {(allSpans ? rows : rows.slice(0, SPANS_SHOWN)).map((r) => (
              <SpanRow key={r.span.spanId} row={r} />
            ))}
          </ol>
          {!allSpans && rows.length > SPANS_SHOWN && (
            <button type="button" className="link" onClick={() => setAllSpans(true)}>
              Show all {rows.length} spans
            </button>
          )}
        </>
      )}
    </section>
  );
}

function SpanRow({ row }: { row: WaterfallRow }) {
  const [open, setOpen] = useState(false);
  const { span } = row;
  const error = span.status === 'error';
  const detailsId = useId();
  const cls = ['span-row', error && 'span-row-error', row.failedHere && 'span-row-failing'].filter(Boolean).join(' ');
  return (
    <li className={cls} aria-label={`${span.service} ${span.name}${row.failedHere ? ', failed here' : error ? ', error' : ''}`} data-testid={`span-${span.spanId}`}>
      <div className="span-row-main" style={{ paddingLeft: `${Math.min(row.depth, 12) * 10}px` }}>
        <button type="button" className="link span-name" aria-expanded={open} aria-controls={open ? detailsId : undefined} onClick={() => setOpen((v) => !v)}>
          {span.name}
        </button>
        <span className="muted span-service">{span.service}</span>
        <span className="span-duration">{us(span.durationUs)}</span>
        {row.failedHere ? <Badge tone="critical">failed here</Badge> : error ? <Badge tone="warning">error</Badge> : null}
        {row.orphan && <span className="muted">(parent not received)</span>}
      </div>
      <div className="span-track" aria-hidden="true">
        <div className="span-bar" style={{ marginLeft: `${row.offsetPct}%`, width: `${row.widthPct}%` }} />
      </div>
      {error && <p className="span-error">{errorText(span)}</p>}
      {open && <SpanDetails id={detailsId} span={span} />}
    </li>
  );
}

function show(v: TraceAttributeValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function SpanDetails({ id, span }: { id: string; span: TraceSpan }) {
  const attrs = Object.entries(span.attributes);
  return (
    <div id={id} className="span-details">
      <dl className="span-attrs">
        <div>
          <dt>kind</dt>
          <dd>{span.kind}</dd>
        </div>
        <div>
          <dt>status</dt>
          <dd>{span.status}</dd>
        </div>
        <div>
          <dt>span id</dt>
          <dd>
            <code>{span.spanId}</code>
          </dd>
        </div>
        {attrs.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{show(v)}</dd>
          </div>
        ))}
      </dl>
      {span.events.length > 0 && (
        <ul role="list" aria-label={`Events of ${span.name}`} className="span-events">
          {span.events.map((e, i) => (
            <li key={i}>
              <span className="muted">+{us(e.timeUs - span.startUs)}</span> {e.name}
              {Object.keys(e.attributes).length > 0 && (
                <span className="muted">
                  {' '}
                  {Object.entries(e.attributes)
                    .map(([k, v]) => `${k}=${show(v)}`)
                    .join(' ')}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
