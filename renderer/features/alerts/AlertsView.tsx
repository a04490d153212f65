import { useEffect } from 'react';
import type { Api } from '../../../common/ipc';
import type { Alert, AlertSeverity } from '../../../common/model';
import { formatDuration } from '../../lib/format';
import { Badge, type Tone } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { useAlertsStore } from './useAlertsStore';

const SEVERITY_TONE: Record<AlertSeverity, Tone> = { critical: 'critical', warning: 'warning', info: 'neutral' };
const SNOOZE = '1h';

/** What fires now (and what resolved lately): ack, snooze, undo, and the way to Grafana. */
export function AlertsView({ api }: { api: Api }) {
  const connect = useAlertsStore((s) => s.connect);
  useEffect(() => connect(api), [api, connect]);
  const snapshot = useAlertsStore((s) => s.snapshot);
  const error = useAlertsStore((s) => s.error);
  const dismissError = useAlertsStore((s) => s.dismissError);

  const alerts = snapshot?.alerts ?? [];
  const firing = alerts.filter((a) => a.state === 'firing').length;
  return (
    <section className="alerts" aria-labelledby="alerts-title">
      <header className="section-header">
        <h2 id="alerts-title" tabIndex={-1}>
          Alerts
        </h2>
        {snapshot && <span className="muted">{firing ? `${firing} firing` : 'none firing'}</span>}
      </header>
      {error && (
        <p role="alert" className="banner banner-critical">
          {error}{' '}
          <button type="button" className="link" onClick={dismissError}>
            Dismiss
          </button>
        </p>
      )}
      {snapshot?.alertmanager.reachable === false && (
        <p className="banner banner-warning">Alertmanager is not reachable ({snapshot.alertmanager.error}); showing its last known alerts.</p>
      )}
      {!snapshot ? (
        <p className="muted">Loading alerts…</p>
      ) : alerts.length === 0 ? (
        <p className="muted">Nothing fires.</p>
      ) : (
        <ul role="list" className="alert-list">
          {alerts.map((a) => (
            <AlertRow key={a.id} alert={a} />
          ))}
        </ul>
      )}
    </section>
  );
}

function AlertRow({ alert: a }: { alert: Alert }) {
  const pending = useAlertsStore((s) => s.pending);
  const ack = useAlertsStore((s) => s.ack);
  const snooze = useAlertsStore((s) => s.snooze);
  const undo = useAlertsStore((s) => s.undo);
  const busy = pending !== null;
  const subject = a.labels.job ?? a.labels.component ?? a.labels.mountpoint ?? a.labels.target ?? null;
  const ours = a.silences.filter((s) => s.kind !== 'other');
  return (
    <li role="listitem" aria-label={`${a.name}${subject ? ` ${subject}` : ''}`} className={`alert alert-${a.state}`}>
      <div className="alert-main">
        <Badge tone={a.state === 'resolved' ? 'ok' : SEVERITY_TONE[a.severity]} testId={`alert-state-${a.id}`}>
          {a.state === 'resolved' ? 'resolved' : a.severity}
        </Badge>
        <span className="alert-name">{a.name}</span>
        {subject && <span className="muted">{subject}</span>}
        {a.grafanaUrl && (
          <a className="alert-open" href={a.grafanaUrl} target="_blank" rel="noreferrer" aria-label={`Open ${a.name} in Grafana`}>
            Grafana
          </a>
        )}
      </div>
      <p className="alert-summary">{a.summary}</p>
      <p className="alert-when muted">
        {a.state === 'resolved' && a.resolvedAt !== null ? `resolved after ${formatDuration(a.resolvedAt - a.startsAt)}` : `since ${new Date(a.startsAt).toLocaleTimeString()}`}
        {a.source === 'lookout' ? ' · from Lookout' : ''}
        {a.inhibitedBy.length ? ' · held back by a related alert' : ''}
      </p>
      {ours.map((s) => (
        <p key={s.id} className="alert-silence">
          {s.kind === 'ack' ? 'Acknowledged' : `Snoozed until ${new Date(s.endsAt).toLocaleTimeString()}`}
          {s.createdBy ? ` by ${s.createdBy}` : ''}{' '}
          <button type="button" className="link" disabled={busy} onClick={() => void undo(s.id)}>
            Undo
          </button>
        </p>
      ))}
      {a.state === 'firing' && (
        <div className="alert-actions">
          <Button disabled={busy} onClick={() => void ack(a.id)}>
            Ack
          </Button>
          <Button disabled={busy} onClick={() => void snooze(a.id, SNOOZE)}>
            Snooze {SNOOZE}
          </Button>
        </div>
      )}
    </li>
  );
}
