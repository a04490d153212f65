import { useEffect } from 'react';
import type { Api } from '../../../common/ipc';
import type { AlertSeverity } from '../../../common/model';
import { Badge, type Tone } from '../../ui/Badge';
import { alertSubject, firingAlerts } from '../stack/stack-actions';
import { useAlertmanagerNotice } from './useAlertmanagerNotice';
import { useAlertsStore } from './useAlertsStore';

const SEVERITY_TONE: Record<AlertSeverity, Tone> = { critical: 'critical', warning: 'warning', info: 'neutral' };
/** Firing alerts the overview shows; the rest are one click away in the Alerts view. */
export const TOP_ALERTS = 3;

/** The overview's alerts: the few most severe firing ones, a link to all of them, and Alertmanager's state. */
export function AlertsSummary({ api }: { api: Api }) {
  const connect = useAlertsStore((s) => s.connect);
  useEffect(() => connect(api), [api, connect]);
  const snapshot = useAlertsStore((s) => s.snapshot);
  const notice = useAlertmanagerNotice();
  if (!snapshot) return null;
  const firing = firingAlerts(snapshot);
  return (
    <section className="alerts-summary" aria-labelledby="alerts-summary-title">
      <header className="section-header">
        <h2 id="alerts-summary-title">Alerts</h2>
        <a className="link-quiet" href="#/alerts">
          All alerts{firing.length ? ` (${firing.length})` : ''}
        </a>
      </header>
      {notice.kind === 'banner' && <p className="banner banner-warning" data-testid="alertmanager-banner">{notice.text}</p>}
      {notice.kind === 'calm' && <p className="muted" data-testid="alertmanager-calm">{notice.text}</p>}
      {firing.length === 0 ? (
        <p className="muted">Nothing fires.</p>
      ) : (
        <ul role="list" aria-label="Top firing alerts" className="alert-list compact">
          {firing.slice(0, TOP_ALERTS).map((a) => {
            const subject = alertSubject(a);
            return (
              <li key={a.id} className="alert alert-firing card" aria-label={`${a.name}${subject ? ` ${subject}` : ''}`} data-testid="alert-card">
                <div className="alert-main">
                  <Badge tone={SEVERITY_TONE[a.severity]}>{a.severity}</Badge>
                  <span className="alert-name ellipsis" title={a.name}>
                    {a.name}
                  </span>
                  {subject && (
                    <span className="muted alert-subject ellipsis" title={subject}>
                      {subject}
                    </span>
                  )}
                </div>
                {a.summary && (
                  <p className="alert-summary ellipsis" title={a.description || a.summary}>
                    {a.summary}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
