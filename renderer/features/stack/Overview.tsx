import type { Api } from '../../../common/ipc';
import type { OverallState } from '../../../common/model';
import { AlertsSummary } from '../alerts/AlertsSummary';
import { useAlertsStore } from '../alerts/useAlertsStore';
import { OnboardingPanel } from '../install/OnboardingPanel';
import { LinksView } from '../links/LinksView';
import { MachineSummary } from '../machine/MachineSummary';
import { AfterFirstPaint } from '../../ui/AfterFirstPaint';
import { Badge, type Tone } from '../../ui/Badge';
import { firingAlerts, worstProblem } from './stack-actions';
import { StackControls, StackView } from './StackView';
import { useStackStore } from './useStackStore';

const OVERALL_TONE: Record<OverallState, Tone> = { ok: 'ok', warning: 'warning', critical: 'critical', stopped: 'neutral', starting: 'busy' };

/**
 * The overview: one popover screen (about 400 × 560). The state and the worst problem in one line, the
 * components, then (once that has painted) the top firing alerts, the machine's sparklines and the links.
 */
export function Overview({ api }: { api: Api }) {
  const stack = useStackStore((s) => s.snapshot);
  const stackError = useStackStore((s) => s.error);
  const alerts = useAlertsStore((s) => s.snapshot);
  const firing = firingAlerts(alerts);
  // Main's overall state already counts firing, unsilenced alerts (the tray shows the same one).
  const overall = stack?.overall ?? null;
  const problem = stack ? worstProblem(stack, firing) : null;
  return (
    <div className="overview">
      <h1 className="sr-only" id="overview-title" tabIndex={-1}>
        Overview
      </h1>
      <header className="overview-head">
        {overall && (
          <Badge tone={OVERALL_TONE[overall]} testId="overall">
            {overall}
          </Badge>
        )}
        <p className="overview-problem ellipsis" data-testid="worst-problem" title={problem ?? undefined}>
          {problem ?? (stackError ? '' : 'Loading…')}
        </p>
        <StackControls />
      </header>
      {/* Mounted always: it shows itself on a first run with nothing installed, and stays through "Install everything". */}
      <OnboardingPanel api={api} />
      <StackView api={api} />
      <AfterFirstPaint ready={stack !== null || stackError !== null}>
        <AlertsSummary api={api} />
        <MachineSummary api={api} />
        <LinksView api={api} />
      </AfterFirstPaint>
    </div>
  );
}
