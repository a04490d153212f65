import { useEffect, useId, useMemo } from 'react';
import type { Api } from '../../../common/ipc';
import type { LogLevelName, LogLine, LogPattern, LogsStatus } from '../../../common/logs';
import { Badge, type Tone } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { Sparkline } from '../../ui/Sparkline';
import { LEVELS, matches, patternKey, useLogsStore, type ErrorGroupView } from './useLogsStore';
import './logs.css';

const LEVEL_TONE: Record<LogLevelName, Tone> = { trace: 'neutral', debug: 'neutral', info: 'neutral', warn: 'warning', error: 'critical', fatal: 'critical' };
const timeOf = (epochUs: number) => new Date(epochUs / 1000).toLocaleTimeString();
const lines = (n: number) => (n === 1 ? '1 line' : `${n} lines`);

/** A bucket width in words: "20 s", "2 min", "1 h" (rounded: it labels a sparkline, not a measurement). */
export function bucketWidth(us: number): string {
  const s = us / 1_000_000;
  if (s < 90) return `${Math.max(1, Math.round(s))} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

/** The in-app route of a trace (the Traces view's deep link). */
export const traceRoute = (traceId: string) => `#/traces/${traceId}`;

/**
 * The log pillar in the popover: search, error patterns (new ones marked), all patterns with their
 * sparklines, and a live tail filtered like the search. A line's trace id opens its trace.
 */
export function LogsView({ api }: { api: Api }) {
  const connect = useLogsStore((s) => s.connect);
  useEffect(() => connect(api), [api, connect]);
  const refresh = useLogsStore((s) => s.refresh);
  const status = useLogsStore((s) => s.status);
  const statusError = useLogsStore((s) => s.statusError);

  return (
    <section className="logs" aria-labelledby="logs-title">
      <header className="section-header">
        <h1 id="logs-title" tabIndex={-1}>
          Logs
        </h1>
        <Button onClick={() => void refresh()}>Refresh</Button>
      </header>
      {statusError && <p role="alert" className="banner banner-warning">{statusError}</p>}
      {status && !status.enabled && <p className="banner banner-warning">Log following is turned off in settings (logs): only OTLP log records arrive.</p>}
      {status?.problems.map((p) => (
        <p key={p} className="banner banner-warning">
          {p}
        </p>
      ))}
      <SearchForm />
      <Tail />
      <SearchResults />
      <Errors />
      <Patterns />
    </section>
  );
}

function SearchForm() {
  const query = useLogsStore((s) => s.query);
  const setQuery = useLogsStore((s) => s.setQuery);
  const runSearch = useLogsStore((s) => s.runSearch);
  const searching = useLogsStore((s) => s.searching);
  const status = useLogsStore((s) => s.status);
  const search = useLogsStore((s) => s.search);
  const id = useId();
  const services = useMemo(() => {
    const names = new Set<string>();
    for (const f of status?.files ?? []) names.add(f.service);
    for (const l of search?.lines ?? []) names.add(l.service);
    if (query.service) names.add(query.service);
    return [...names].sort();
  }, [status, search, query.service]);
  return (
    <form
      role="search"
      aria-label="Search logs"
      className="logs-search"
      onSubmit={(e) => {
        e.preventDefault();
        void runSearch();
      }}
    >
      <label htmlFor={`${id}-text`}>Text</label>
      <input id={`${id}-text`} type="search" value={query.text} placeholder="contains…" onChange={(e) => setQuery({ text: e.target.value })} />
      <label htmlFor={`${id}-service`}>Service</label>
      <select
        id={`${id}-service`}
        value={query.service}
        onChange={(e) => {
          setQuery({ service: e.target.value });
          void runSearch();
        }}
      >
        <option value="">All services</option>
        {services.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-level`}>Level</label>
      <select
        id={`${id}-level`}
        value={query.minLevel}
        onChange={(e) => {
          setQuery({ minLevel: e.target.value as LogLevelName | '' });
          void runSearch();
        }}
      >
        <option value="">Any level</option>
        {LEVELS.map((l) => (
          <option key={l} value={l}>
            {l} and above
          </option>
        ))}
      </select>
      <Button type="submit" disabled={searching}>
        {searching ? 'Searching…' : 'Search'}
      </Button>
    </form>
  );
}

function LineRow({ line }: { line: LogLine }) {
  return (
    <li className={`log-line${line.level === 'error' || line.level === 'fatal' ? ' log-line-error' : ''}`}>
      <span className="log-time muted">{timeOf(line.timeUs)}</span>
      {line.level ? <Badge tone={LEVEL_TONE[line.level]}>{line.level}</Badge> : <span className="muted">—</span>}
      <span className="log-service">{line.service}</span>
      <span className="log-message">{line.message}</span>
      {line.traceId && (
        // The visible text starts the accessible name (the full id follows for screen readers), as axe asks.
        <a className="log-trace" href={traceRoute(line.traceId)} title={`Trace ${line.traceId}`}>
          Trace {line.traceId.slice(0, 8)}
          <span className="sr-only">{line.traceId.slice(8)}</span>
        </a>
      )}
    </li>
  );
}

/** The live tail: newest first, so a new line lands at the top without scrolling (bounded, see TAIL_CAPACITY). */
function Tail() {
  const tail = useLogsStore((s) => s.tail);
  const query = useLogsStore((s) => s.query);
  const paused = useLogsStore((s) => s.paused);
  const setPaused = useLogsStore((s) => s.setPaused);
  const shown = useMemo(() => tail.filter((l) => matches(l, query)), [tail, query]);
  return (
    <section className="logs-part" aria-labelledby="logs-tail-title">
      <header className="section-header">
        <h2 id="logs-tail-title" className="subhead">
          Live tail <span className="muted">(newest first)</span>
        </h2>
        <button type="button" className="link" aria-pressed={paused} onClick={() => setPaused(!paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
      </header>
      {paused && <p className="muted">Paused: new lines are not added.</p>}
      {shown.length === 0 ? (
        <p className="muted">{tail.length ? 'No new line matches the search.' : 'Waiting for new lines…'}</p>
      ) : (
        <ol role="list" aria-label="Live tail" className="log-lines">
          {shown.map((l, i) => (
            <LineRow key={`${l.timeUs}:${i}`} line={l} />
          ))}
        </ol>
      )}
    </section>
  );
}

function SearchResults() {
  const search = useLogsStore((s) => s.search);
  const error = useLogsStore((s) => s.searchError);
  const status = useLogsStore((s) => s.status);
  return (
    <section className="logs-part" aria-labelledby="logs-lines-title">
      <h2 id="logs-lines-title" className="subhead">
        Lines of the last hour
      </h2>
      {error && <p role="alert" className="banner banner-critical">{error}</p>}
      {search && search.lines.length === 0 && <EmptyState status={status} />}
      {search && search.lines.length > 0 && (
        <ol role="list" aria-label="Log lines" className="log-lines">
          {search.lines.map((l, i) => (
            <LineRow key={`${l.timeUs}:${i}`} line={l} />
          ))}
        </ol>
      )}
    </section>
  );
}

/** No lines: say what is followed, so an empty list is not a mystery. */
function EmptyState({ status }: { status: LogsStatus | null }) {
  if (!status) return <p className="muted">No matching lines.</p>;
  if (!status.files.length)
    return (
      <p className="muted">
        No matching lines, and no log file is followed: add paths or globs to a service&apos;s <code>logs</code> in settings. OTLP log records sent to Lookout&apos;s
        receiver (<code>/v1/logs</code>) land here too.
      </p>
    );
  return (
    <div>
      <p className="muted">No matching lines. Followed files:</p>
      <ul role="list" aria-label="Followed files" className="logs-files">
        {status.files.map((f) => (
          <li key={f.path}>
            <code>{f.path}</code> <span className="muted">({f.service})</span>
            {f.problem && <span className="log-file-problem"> — {f.problem}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Errors() {
  const groups = useLogsStore((s) => s.errors);
  const error = useLogsStore((s) => s.errorsError);
  const fresh = groups?.filter((g) => g.isNew === true).length ?? 0;
  return (
    <section className="logs-part" aria-labelledby="logs-errors-title">
      <h2 id="logs-errors-title" className="subhead">
        Errors {groups && <span className="muted">{fresh ? `${fresh} new` : groups.length ? 'none new' : ''}</span>}
      </h2>
      {error && <p role="alert" className="banner banner-critical">{error}</p>}
      {groups && groups.length === 0 && <p className="muted">No error lines in the last hour.</p>}
      {groups && groups.length > 0 && (
        <ul role="list" aria-label="Error patterns" className="log-groups">
          {groups.map((g) => (
            <ErrorGroupRow key={g.templateId ?? g.template} group={g} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ErrorGroupRow({ group: g }: { group: ErrorGroupView }) {
  return (
    <li className={`log-group${g.isNew ? ' log-group-new' : ''}`} aria-label={`${g.isNew ? 'New: ' : ''}${g.template}`}>
      <div className="log-group-main">
        {g.isNew === true && <Badge tone="critical">new</Badge>}
        {g.isNew === false && <Badge tone="neutral">recurring</Badge>}
        <code className="log-template">{g.template}</code>
        <span className="log-count">{lines(g.count)}</span>
      </div>
      <p className="muted log-group-facts">
        {g.services.join(', ')} · first {timeOf(g.firstSeenUs)} · last {timeOf(g.lastSeenUs)}
        {g.exampleTraceId && (
          <>
            {' · '}
            <a href={traceRoute(g.exampleTraceId)} aria-label={`Example trace ${g.exampleTraceId}`}>
              example trace
            </a>
          </>
        )}
      </p>
      {g.examples.length > 0 && (
        <details className="log-examples">
          <summary>Example lines</summary>
          <ul role="list">
            {g.examples.map((m, i) => (
              <li key={i}>
                <code>{m}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
    </li>
  );
}

function Patterns() {
  const patterns = useLogsStore((s) => s.patterns);
  const error = useLogsStore((s) => s.patternsError);
  return (
    <section className="logs-part" aria-labelledby="logs-patterns-title">
      <h2 id="logs-patterns-title" className="subhead">
        Patterns
      </h2>
      {error && <p role="alert" className="banner banner-critical">{error}</p>}
      {patterns && patterns.patterns.length === 0 && <p className="muted">No lines in the last hour.</p>}
      {patterns && patterns.patterns.length > 0 && (
        <ul role="list" aria-label="Log patterns" className="log-groups">
          {patterns.patterns.map((p) => (
            <PatternRow key={patternKey(p)} pattern={p} bucketUs={patterns.bucketUs} />
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * A pattern: level, template, count and a sparkline of its lines per bucket of the window. Clicking the
 * template opens its example lines (the newest, from logs:search by template id), each with its trace link.
 */
function PatternRow({ pattern: p, bucketUs }: { pattern: LogPattern; bucketUs: number }) {
  const open = useLogsStore((s) => (s.openPattern?.key === patternKey(p) ? s.openPattern : null));
  const toggle = useLogsStore((s) => s.togglePattern);
  const examplesId = useId();
  const per = bucketWidth(bucketUs);
  const peak = p.counts.length ? Math.max(...p.counts) : 0;
  return (
    <li className={`log-group${open ? ' log-group-open' : ''}`} aria-label={p.template}>
      <div className="log-group-main">
        {p.maxLevel && <Badge tone={LEVEL_TONE[p.maxLevel]}>{p.maxLevel}</Badge>}
        <button
          type="button"
          className="log-template log-pattern-toggle"
          aria-expanded={open !== null}
          aria-controls={open ? examplesId : undefined}
          aria-label={`Example lines of ${p.template}`}
          onClick={() => void toggle(p)}
        >
          <code>{p.template}</code>
        </button>
        <span className="log-count">{lines(p.count)}</span>
      </div>
      <span className="log-sparkline" title={`${lines(p.count)}; at most ${peak} per ${per}`}>
        <Sparkline values={p.counts} scale={{ min: 0 }} label={`Lines per ${per} of ${p.template}: at most ${peak}`} width={160} height={18} />
      </span>
      {open && (
        <div id={examplesId} className="log-pattern-examples">
          {open.error && <p role="alert" className="banner banner-critical">{open.error}</p>}
          {!open.error && open.lines === null && <p className="muted">Loading example lines…</p>}
          {open.lines && open.lines.length === 0 && <p className="muted">No stored line of this pattern in the window (it may have aged out).</p>}
          {open.lines && open.lines.length > 0 && (
            <ol role="list" aria-label={`Example lines of ${p.template}`} className="log-lines">
              {open.lines.map((l, i) => (
                <LineRow key={`${l.timeUs}:${i}`} line={l} />
              ))}
            </ol>
          )}
        </div>
      )}
    </li>
  );
}
