import { useEffect, useMemo, useState } from 'react';
import type { Api } from '../../../common/ipc';
import { ALERT_HISTORY_RANGES, type Alert, type AlertHistoryRange, type AlertSeverity } from '../../../common/model';
import { formatDuration } from '../../lib/format';
import { Badge, type Tone } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { groupAlerts, type AlertGroup } from './group-alerts';
import { useAlertmanagerNotice } from './useAlertmanagerNotice';
import { useAlertsStore } from './useAlertsStore';

const SEVERITY_TONE: Record<AlertSeverity, Tone> = { critical: 'critical', warning: 'warning', info: 'neutral' };
const SNOOZE_CHOICES = ['15m', '1h', '4h', '1d'] as const;
/** Instances rendered per group before "Show all": a storm of 1,000 alerts stays a short list. */
const INSTANCES_SHOWN = 20;

/** What fires now, grouped by severity and alert; silenced ones apart; recent history on demand. */
export function AlertsView({ api }: { api: Api }) {
  const connect = useAlertsStore((s) => s.connect);
  useEffect(() => connect(api), [api, connect]);
  const snapshot = useAlertsStore((s) => s.snapshot);
  const error = useAlertsStore((s) => s.error);
  const dismissError = useAlertsStore((s) => s.dismissError);
  const [showHistory, setShowHistory] = useState(false);
  const notice = useAlertmanagerNotice();

  const groups = useMemo(() => groupAlerts(snapshot?.alerts ?? []), [snapshot]);
  useEffect(() => {
    // Lets the benchmark time data-to-screen for large lists (a no-op cost otherwise).
    if (snapshot) performance.mark('lookout:alerts-rendered', { detail: snapshot.alerts.length });
  }, [snapshot]);
  const firingCount = groups.firing.reduce((n, g) => n + g.alerts.length, 0);

  return (
    <section className="alerts" aria-labelledby="alerts-title">
      <header className="section-header">
        <h1 id="alerts-title" tabIndex={-1}>
          Alerts
        </h1>
        {snapshot && <span className="muted">{firingCount ? `${firingCount} firing` : 'none firing'}</span>}
        <button type="button" className="link" aria-expanded={showHistory} onClick={() => setShowHistory((v) => !v)}>
          {showHistory ? 'Hide history' : 'History'}
        </button>
      </header>
      {error && <ErrorBanner message={error} onDismiss={dismissError} />}
      {notice.kind === 'banner' && <p className="banner banner-warning" data-testid="alertmanager-banner">{notice.text}</p>}
      {notice.kind === 'calm' && <p className="muted" data-testid="alertmanager-calm">{notice.text}</p>}
      {!snapshot ? (
        <p className="muted">Loading alerts…</p>
      ) : (
        <>
          {groups.firing.length === 0 && <p className="muted">Nothing fires.</p>}
          <AlertGroupList label="Firing alerts" groups={groups.firing} />
          {groups.silenced.length > 0 && (
            <>
              {/* Acked or snoozed by the user, or inhibited by Alertmanager (a warning under the same alert at critical, a job's symptoms under its ServiceDown). */}
              <h3 className="subhead">Silenced or held back</h3>
              <AlertGroupList label="Silenced alerts" groups={groups.silenced} />
            </>
          )}
          {groups.resolved.length > 0 && (
            <>
              <h3 className="subhead">Resolved lately</h3>
              <AlertGroupList label="Resolved alerts" groups={groups.resolved} />
            </>
          )}
        </>
      )}
      {showHistory && <AlertHistoryView api={api} />}
    </section>
  );
}

function AlertGroupList({ label, groups }: { label: string; groups: AlertGroup[] }) {
  if (!groups.length) return null;
  return (
    <ul role="list" aria-label={label} className="alert-list">
      {groups.map((g) => (g.alerts.length === 1 ? <AlertRow key={g.key} alert={g.alerts[0]!} /> : <GroupRow key={g.key} group={g} />))}
    </ul>
  );
}

/** Several instances of one alert: one line with the count, instances on demand. */
function GroupRow({ group }: { group: AlertGroup }) {
  const [open, setOpen] = useState(false);
  const [all, setAll] = useState(false);
  const first = group.alerts[0]!;
  const shown = all ? group.alerts : group.alerts.slice(0, INSTANCES_SHOWN);
  return (
    <li role="listitem" aria-label={`${group.name} ×${group.alerts.length}`} className={`alert alert-${first.state} alert-group card`}>
      <div className="alert-main">
        <SeverityBadge alert={first} />
        <span className="alert-name ellipsis" title={group.name}>{group.name}</span>
        <span className="muted">×{group.alerts.length}</span>
        <button type="button" className="link alert-open" aria-expanded={open} onClick={() => setOpen((v) => !v)}>
          {open ? 'Hide' : 'Show'}
        </button>
      </div>
      <p className="alert-summary">{first.summary}</p>
      <p className="alert-when muted">since {new Date(group.since).toLocaleTimeString()}</p>
      {open && (
        <ul role="list" className="alert-list alert-instances">
          {shown.map((a) => (
            <AlertRow key={a.id} alert={a} />
          ))}
          {!all && group.alerts.length > shown.length && (
            <li>
              <button type="button" className="link" onClick={() => setAll(true)}>
                Show all {group.alerts.length}
              </button>
            </li>
          )}
        </ul>
      )}
    </li>
  );
}

function SeverityBadge({ alert: a }: { alert: Alert }) {
  return (
    <Badge tone={a.state === 'resolved' ? 'ok' : SEVERITY_TONE[a.severity]} testId={`alert-state-${a.id}`}>
      {a.state === 'resolved' ? 'resolved' : a.severity}
    </Badge>
  );
}

function AlertRow({ alert: a }: { alert: Alert }) {
  const pending = useAlertsStore((s) => s.pending);
  const ack = useAlertsStore((s) => s.ack);
  const snooze = useAlertsStore((s) => s.snooze);
  const undo = useAlertsStore((s) => s.undo);
  const [snoozeFor, setSnoozeFor] = useState<(typeof SNOOZE_CHOICES)[number]>('1h');
  const busy = pending !== null;
  const subject = a.labels.job ?? a.labels.component ?? a.labels.service ?? a.labels.mountpoint ?? a.labels.target ?? null;
  const ours = a.silences.filter((s) => s.kind !== 'other');
  return (
    <li role="listitem" aria-label={`${a.name}${subject ? ` ${subject}` : ''}`} className={`alert alert-${a.state} card`} data-testid="alert-card">
      <div className="alert-main">
        <SeverityBadge alert={a} />
        <span className="alert-name ellipsis" title={a.name}>{a.name}</span>
        {subject && <span className="muted alert-subject ellipsis" title={subject}>{subject}</span>}
        {a.grafanaUrl && (
          <a className="alert-open" href={a.grafanaUrl} target="_blank" rel="noreferrer" aria-label={`Open ${a.name} in Grafana`}>
            Grafana
          </a>
        )}
        {a.tracesUrl && (
          // A `#/traces…` route opens the Traces view in place; Jaeger's URL goes through the shell's allowlisted opener.
          <a className="alert-open" href={a.tracesUrl} {...(a.tracesUrl.startsWith('#') ? {} : { target: '_blank', rel: 'noreferrer' })} aria-label={`Traces of ${a.name}${subject ? ` ${subject}` : ''}`}>
            Traces
          </a>
        )}
      </div>
      <p className="alert-summary">{a.summary}</p>
      {a.description && a.description !== a.summary && <p className="alert-description muted">{a.description}</p>}
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
          <Button disabled={busy} onClick={() => void snooze(a.id, snoozeFor)}>
            Snooze {snoozeFor}
          </Button>
          <select aria-label={`Snooze ${a.name} for`} value={snoozeFor} onChange={(e) => setSnoozeFor(e.target.value as (typeof SNOOZE_CHOICES)[number])}>
            {SNOOZE_CHOICES.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </div>
      )}
    </li>
  );
}

/** What fired over a range (Prometheus' ALERTS) and what Lookout notified (its own log). */
function AlertHistoryView({ api }: { api: Api }) {
  const [range, setRange] = useState<AlertHistoryRange>('6h');
  const [state, setState] = useState<{ loading: boolean; error: string | null; data: Awaited<ReturnType<Api['alerts']['history']>> | null }>({ loading: true, error: null, data: null });
  useEffect(() => {
    let active = true;
    setState((s) => ({ ...s, loading: true }));
    api.alerts.history({ range }).then(
      (data) => active && setState({ loading: false, error: null, data }),
      (err: unknown) => active && setState({ loading: false, error: err instanceof Error ? err.message : String(err), data: null }),
    );
    return () => {
      active = false;
    };
  }, [api, range]);

  const data = state.data;
  return (
    <div className="alert-history" aria-label="Alert history">
      <div role="radiogroup" aria-label="History range" className="segmented">
        {ALERT_HISTORY_RANGES.map((r) => (
          <button key={r} type="button" role="radio" aria-checked={range === r} className={range === r ? 'selected' : ''} onClick={() => setRange(r)}>
            {r}
          </button>
        ))}
      </div>
      {state.loading && <p className="muted">Loading history…</p>}
      {state.error && <p role="alert" className="banner banner-warning">{state.error}</p>}
      {data?.prometheusError && <p className="muted">Firing periods unavailable: {data.prometheusError}</p>}
      {data && (
        <ul role="list" className="history-list">
          {data.intervals.slice(0, 100).map((i, n) => (
            <li key={`i${n}`}>
              {/* The severity in words too: an alert at two levels has two rows, which the colour alone does not tell apart. */}
              <Badge tone={i.severity ? SEVERITY_TONE[i.severity] : 'neutral'}>{i.severity ? `${i.severity} ${i.state}` : i.state}</Badge> {i.name} {i.labels.job ?? ''}{' '}
              <span className="muted">
                {new Date(i.from).toLocaleString()} → {i.to === null ? 'now' : new Date(i.to).toLocaleTimeString()}
              </span>
            </li>
          ))}
          {data.notifications.slice(0, 100).map((e, n) => (
            <li key={`n${n}`}>
              <span className="muted">{new Date(e.at).toLocaleString()}</span> notified {e.kind}: {e.title}
              {!e.delivered && <span className="muted"> (not shown: {e.reason})</span>}
            </li>
          ))}
          {data.intervals.length === 0 && data.notifications.length === 0 && <li className="muted">Nothing in the last {range}.</li>}
        </ul>
      )}
    </div>
  );
}
