import { useEffect, useState, type ReactNode } from 'react';
import type { Api } from '../../../common/ipc';
import type { ComponentState, ComponentStatus } from '../../../common/model';
import { type Tone } from '../../ui/Badge';
import { formatDuration } from '../../lib/format';
import { Button } from '../../ui/Button';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { InstallButton } from '../install/InstallButton';
import { UpgradeButton } from '../install/UpgradeButton';
import { CopyGrafanaPassword } from './CopyGrafanaPassword';
import { canStartStack, canStopStack, rowAction } from './stack-actions';
import { useStackStore } from './useStackStore';

export const STATE_TONE: Record<ComponentState, Tone> = {
  running: 'ok',
  starting: 'busy',
  stopping: 'busy',
  unhealthy: 'warning',
  failed: 'critical',
  stopped: 'neutral',
  'not-installed': 'neutral',
};

/** The stack's controls for the header: Stop stack while anything runs, Start stack while anything runnable is down. */
export function StackControls() {
  const components = useStackStore((s) => s.snapshot?.components ?? null);
  const pending = useStackStore((s) => s.pending);
  const start = useStackStore((s) => s.start);
  const stop = useStackStore((s) => s.stop);
  if (!components) return null;
  const offerStart = canStartStack(components);
  const offerStop = canStopStack(components);
  return (
    <div className="stack-controls">
      {offerStart && (
        <Button variant="primary" disabled={pending !== null} onClick={() => void start()}>
          Start stack
        </Button>
      )}
      {offerStop && (
        <Button variant={offerStart ? 'secondary' : 'primary'} disabled={pending !== null} onClick={() => void stop()}>
          Stop stack
        </Button>
      )}
    </div>
  );
}

/** The stack: one compact row per component (state, name, port and its one action). */
export function StackView({ api }: { api: Api }) {
  const connect = useStackStore((s) => s.connect);
  useEffect(() => connect(api), [api, connect]);

  const snapshot = useStackStore((s) => s.snapshot);
  const hasSnapshot = snapshot !== null;
  useEffect(() => {
    // The popover's first useful paint (the benchmark reads it; marks cost nothing otherwise): a task queued
    // from the frame callback runs after that frame is painted.
    if (!hasSnapshot || performance.getEntriesByName('lookout:first-render').length > 0) return;
    requestAnimationFrame(() => setTimeout(() => performance.mark('lookout:first-render')));
  }, [hasSnapshot]);
  const pending = useStackStore((s) => s.pending);
  const error = useStackStore((s) => s.error);
  const start = useStackStore((s) => s.start);
  const stop = useStackStore((s) => s.stop);
  const restart = useStackStore((s) => s.restart);
  const dismissError = useStackStore((s) => s.dismissError);

  if (!snapshot) {
    return (
      <section className="stack" aria-label="Stack">
        {error ? <p role="alert" className="banner banner-critical">{error}</p> : <p className="muted">Loading stack…</p>}
      </section>
    );
  }

  return (
    <section className="stack" aria-label="Stack">
      {error && <ErrorBanner message={error} onDismiss={dismissError} />}
      <ul role="list" aria-label="Components" className="components">
        {snapshot.components.map((c) => (
          <ComponentRow
            key={c.id}
            component={c}
            busy={pending !== null}
            onStart={() => void start([c.id])}
            onStop={() => void stop([c.id])}
            onRestart={() => void restart([c.id])}
            extra={
              <>
                {/* Each renders nothing unless it applies: not installed, installing, or a newer release. */}
                <InstallButton api={api} component={c} />
                <UpgradeButton api={api} component={c} />
                {c.id === 'grafana' && c.state === 'running' && <CopyGrafanaPassword api={api} />}
              </>
            }
          />
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
  const action = rowAction(c.state);
  const now = useNow(c.state === 'running' ? 10_000 : null);
  const uptime = c.state === 'running' ? formatDuration(now - c.since) : null;
  // A container's pid is inside the engine: its name is what `docker` commands take.
  const facts = [c.version && `version ${c.version}`, c.container ? `container ${c.container}` : c.pid !== null && `pid ${c.pid}`, uptime && `up ${uptime}`, c.container ? null : c.binary]
    .filter(Boolean)
    .join(' · ');
  const notInstalled = c.state === 'not-installed';
  // One line of what to know: the error (or the not-installed hint), else a detail or warning.
  const note = c.lastError ?? c.warning ?? c.detail;
  const hint = notInstalled ? (c.fix ?? c.lastError ?? 'no binary found') : null;
  return (
    <li role="listitem" aria-label={c.name} className="component card" data-testid={`component-${c.id}`}>
      <div className="component-main">
        <span className={`dot dot-${STATE_TONE[c.state]}`} aria-hidden="true" />
        <span className="component-name ellipsis" title={facts || c.name}>
          {c.name}
        </span>
        {c.state === 'running' ? (
          <a className="component-port" href={c.url} target="_blank" rel="noreferrer" aria-label={`Open ${c.name} :${c.port}`} title={`Open ${c.url}`}>
            :{c.port}
          </a>
        ) : (
          <span className="component-port muted">:{c.port}</span>
        )}
        <span className={`component-state tone-${STATE_TONE[c.state]}`} data-testid={`state-${c.id}`} title={uptime ? `up ${uptime}` : undefined}>
          {notInstalled ? 'not installed' : c.state}
        </span>
        {uptime && <span className="sr-only">up {uptime}</span>}
        <span className="component-actions">
          {c.state === 'running' || c.state === 'unhealthy' ? (
            <Button aria-label={`Restart ${c.name}`} title={`Restart ${c.name}`} disabled={busy} onClick={onRestart}>
              Restart
            </Button>
          ) : null}
          {action === 'stop' && (
            <Button aria-label={`Stop ${c.name}`} disabled={busy} onClick={onStop}>
              Stop
            </Button>
          )}
          {action === 'start' && (
            <Button aria-label={`Start ${c.name}`} disabled={busy} onClick={onStart}>
              Start
            </Button>
          )}
        </span>
      </div>
      {hint ? (
        <p className="component-note muted ellipsis" title={hint}>
          {hint}
        </p>
      ) : (
        note && (
          <p className={`component-note ellipsis ${c.lastError ? 'component-error' : 'muted'}`} title={note}>
            {note}
          </p>
        )
      )}
      {c.fix && !notInstalled && (
        <p className="component-fix ellipsis" title={c.fix}>
          Fix: {c.fix}
        </p>
      )}
      {extra && <div className="component-extra">{extra}</div>}
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
