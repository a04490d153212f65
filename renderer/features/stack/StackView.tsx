import { useEffect, useState, type ReactNode } from 'react';
import type { Api } from '../../../common/ipc';
import type { ComponentState, ComponentStatus, OverallState } from '../../../common/model';
import { Badge, type Tone } from '../../ui/Badge';
import { formatDuration } from '../../lib/format';
import { Button } from '../../ui/Button';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { CopyGrafanaPassword } from './CopyGrafanaPassword';
import { useStackStore } from './useStackStore';

const STATE_TONE: Record<ComponentState, Tone> = {
  running: 'ok',
  starting: 'busy',
  stopping: 'busy',
  unhealthy: 'warning',
  failed: 'critical',
  stopped: 'neutral',
  'not-installed': 'neutral',
};

const OVERALL_TONE: Record<OverallState, Tone> = { ok: 'ok', warning: 'warning', critical: 'critical', stopped: 'neutral', starting: 'busy' };

/** States in which the component's own button offers Stop rather than Start. */
const ACTIVE: ComponentState[] = ['running', 'starting', 'unhealthy', 'stopping'];

/** The stack: one header action for the whole stack, then one row per component. */
export function StackView({ api }: { api: Api }) {
  const connect = useStackStore((s) => s.connect);
  useEffect(() => connect(api), [api, connect]);

  const snapshot = useStackStore((s) => s.snapshot);
  const hasSnapshot = snapshot !== null;
  useEffect(() => {
    // The popover's first useful paint (the benchmark reads it); marks cost nothing otherwise.
    if (hasSnapshot && performance.getEntriesByName('lookout:first-render').length === 0) performance.mark('lookout:first-render');
  }, [hasSnapshot]);
  const overall = useStackStore((s) => s.snapshot?.overall ?? null);
  const pending = useStackStore((s) => s.pending);
  const error = useStackStore((s) => s.error);
  const start = useStackStore((s) => s.start);
  const stop = useStackStore((s) => s.stop);
  const restart = useStackStore((s) => s.restart);
  const dismissError = useStackStore((s) => s.dismissError);

  if (!snapshot) {
    return (
      <section className="stack">
        {error ? <p role="alert" className="banner banner-critical">{error}</p> : <p className="muted">Loading stack…</p>}
      </section>
    );
  }

  const components = snapshot.components;
  const running = components.filter((c) => c.state === 'running').length;
  const allRunning = components.length > 0 && running === components.length;

  return (
    <section className="stack" aria-label="Stack">
      <header className="stack-header">
        <div>
          <h1 id="stack-title" tabIndex={-1}>Stack</h1>
          <p className="muted">
            {running} of {components.length} running
          </p>
        </div>
        {overall && (
          <Badge tone={OVERALL_TONE[overall]} testId="overall">
            {overall}
          </Badge>
        )}
        <Button variant="primary" disabled={pending !== null} onClick={() => void (allRunning ? stop() : start())}>
          {allRunning ? 'Stop stack' : 'Start stack'}
        </Button>
      </header>

      {snapshot.settingsError && (
        <p role="alert" className="banner banner-warning">
          <strong>Settings not applied:</strong> {snapshot.settingsError}
        </p>
      )}
      {snapshot.configError && (
        <p role="alert" className="banner banner-warning">
          <strong>Config rejected:</strong> {snapshot.configError}
        </p>
      )}
      {error && <ErrorBanner message={error} onDismiss={dismissError} />}

      <ul role="list" className="components">
        {components.map((c) => (
          <ComponentRow key={c.id} component={c} busy={pending !== null} onStart={() => void start([c.id])} onStop={() => void stop([c.id])} onRestart={() => void restart([c.id])} extra={c.id === 'grafana' && c.state === 'running' ? <CopyGrafanaPassword api={api} /> : null} />
        ))}
      </ul>
    </section>
  );
}

interface RowProps {
  component: ComponentStatus;
  busy: boolean;
  onStart: () => void;
  onStop: () => void;
  onRestart: () => void;
  /** Component-specific actions (Grafana: copy the admin password). */
  extra?: ReactNode;
}

function ComponentRow({ component: c, busy, onStart, onStop, onRestart, extra }: RowProps) {
  const active = ACTIVE.includes(c.state);
  const note = c.lastError ?? c.detail;
  const now = useNow(c.state === 'running' ? 10_000 : null);
  return (
    <li role="listitem" aria-label={c.name} className="component">
      <div className="component-main">
        <span className="component-name">{c.name}</span>
        <Badge tone={STATE_TONE[c.state]} testId={`state-${c.id}`}>
          {c.state}
        </Badge>
        {c.state === 'running' || c.state === 'unhealthy' ? (
          <Button aria-label={`Restart ${c.name}`} disabled={busy} onClick={onRestart}>
            Restart
          </Button>
        ) : null}
        {active ? (
          <Button aria-label={`Stop ${c.name}`} disabled={busy || c.state === 'stopping'} onClick={onStop}>
            Stop
          </Button>
        ) : (
          <Button aria-label={`Start ${c.name}`} disabled={busy} onClick={onStart}>
            Start
          </Button>
        )}
      </div>
      <dl className="component-facts">
        <div>
          <dt>version</dt>
          <dd>{c.version ?? '—'}</dd>
        </div>
        <div>
          <dt>port</dt>
          <dd>{c.port}</dd>
        </div>
        <div>
          <dt>pid</dt>
          <dd>{c.pid ?? '—'}</dd>
        </div>
        {c.state === 'running' && (
          <div>
            <dt>up</dt>
            <dd>{formatDuration(now - c.since)}</dd>
          </div>
        )}
        {c.state === 'running' && (
          <a className="component-open" href={c.url} target="_blank" rel="noreferrer" aria-label={`Open ${c.name}`}>
            Open
          </a>
        )}
        {extra}
      </dl>
      {note && <p className={c.lastError ? 'component-error' : 'muted'}>{note}</p>}
      {c.fix && <p className="component-fix">Fix: {c.fix}</p>}
    </li>
  );
}

/** The current time, refreshed every `everyMs` (null: not ticking), so uptimes advance without a push from main. */
function useNow(everyMs: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (everyMs === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
