import { useEffect } from 'react';
import type { Api } from '../../../common/ipc';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { isLocked, useSecurityStore } from './useSecurityStore';
import './security.css';

/**
 * Whether the stack's endpoints refuse requests without the stack credential (lockdown:status): "Endpoints
 * locked", or "Endpoints open on 127.0.0.1" when lock-down is off or a component answers without it. The
 * failing checks are in the title and in the details below the badge, each with its fix.
 */
export function LockdownBadge({ api }: { api: Api }) {
  const status = useSecurityStore((s) => s.lockdown);
  const error = useSecurityStore((s) => s.lockdownError);
  const load = useSecurityStore((s) => s.loadLockdown);
  useEffect(() => void load(api), [api, load]);

  if (!status) return error ? <span role="alert" className="component-error">{error}</span> : null;

  const locked = isLocked(status);
  const failing = status.checks.filter((c) => !c.ok);
  // With lock-down off there is one informative check saying so; show it as the reason.
  const shown = failing.length ? failing : status.enabled ? [] : status.checks;
  const title = shown.map((c) => `${c.name}: ${c.detail}${c.fix ? ` (fix: ${c.fix})` : ''}`).join('\n') || undefined;

  return (
    <details className="lockdown">
      <summary title={title} aria-label={locked ? 'Endpoints locked' : 'Endpoints open on 127.0.0.1'}>
        <Badge tone={locked ? 'ok' : failing.length ? 'warning' : 'neutral'} testId="lockdown-badge">
          {locked ? 'Endpoints locked' : 'Endpoints open on 127.0.0.1'}
        </Badge>
      </summary>
      <div className="lockdown-details">
        {!status.enabled && <p className="muted">Lock-down is off (stack.lockdown.enabled): any local process or web page can read Prometheus, Alertmanager and node_exporter.</p>}
        {status.checks.length > 0 && (
          <ul className="lockdown-checks" aria-label="Lock-down checks">
            {status.checks.map((c) => (
              <li key={c.name} className={c.ok ? undefined : 'component-error'}>
                {c.ok ? '✓' : '✗'} {c.name}: {c.detail}
                {c.fix && !c.ok && <span className="component-fix"> Fix: {c.fix}</span>}
              </li>
            ))}
          </ul>
        )}
        {error && <p role="alert" className="component-error">{error}</p>}
        <Button onClick={() => void load(api)}>Check again</Button>
      </div>
    </details>
  );
}
