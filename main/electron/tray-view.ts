/**
 * What the tray shows, from the core's state (stack plus firing alerts, `app:overall`) and the core
 * host's process state (core-supervisor.ts). Pure, so it is tested without Electron.
 */
import type { OverallState } from '../../common/model';
import { describeExit, type CoreFailure, type CoreProcessState } from './core-supervisor';

export interface TrayView {
  icon: OverallState;
  tooltip: string;
  /** A line at the top of the menu (a restart, a failure), or null. */
  notice: string | null;
  /** Start/Stop stack can be offered (the core answers). */
  coreReady: boolean;
  /** The menu offers "Restart core" (it gave up restarting by itself). */
  offerRestart: boolean;
  stackRunning: boolean;
}

const TOOLTIP: Record<OverallState, string> = {
  ok: 'all components running',
  warning: 'needs attention',
  critical: 'a component failed',
  stopped: 'stack stopped',
  starting: 'starting or stopping…',
};

/** A reason on one short line: a menu item is not the place for a stack trace. */
const line = (text: string) => {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 120 ? `${one.slice(0, 119)}…` : one;
};

const clock = (at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function restartNotice(failure: CoreFailure | null, restarts: number): string | null {
  if (!failure || restarts === 0) return null;
  return `Core restarted at ${clock(failure.at)} after ${failure.exit ? describeExit(failure.exit) : 'a failure'}${restarts > 1 ? ` (${restarts} restarts)` : ''}`;
}

export function trayView(overall: OverallState, stackRunning: boolean, core: CoreProcessState): TrayView {
  const base = { stackRunning, offerRestart: false };
  switch (core.phase) {
    case 'ready': {
      const notice = restartNotice(core.lastFailure, core.restarts);
      return { ...base, icon: overall, tooltip: `Lookout — ${TOOLTIP[overall]}${notice ? ` (${notice})` : ''}`, notice, coreReady: true };
    }
    case 'starting':
      return core.lastFailure
        ? { ...base, icon: 'starting', tooltip: `Lookout — restarting the core (${line(core.lastFailure.reason)})`, notice: `Core restarting after ${describeExit(core.lastFailure.exit)}…`, coreReady: false }
        : { ...base, icon: 'starting', tooltip: 'Lookout — starting…', notice: null, coreReady: false };
    case 'backoff':
      return {
        ...base,
        icon: 'starting',
        tooltip: `Lookout — the core stopped unexpectedly (${line(core.lastFailure.reason)}); restarting…`,
        notice: `Core stopped at ${clock(core.lastFailure.at)} (${describeExit(core.lastFailure.exit)}); restarting…`,
        coreReady: false,
      };
    case 'failed':
      return { ...base, icon: 'critical', tooltip: `Lookout — the core is not running: ${line(core.lastFailure.reason)}`, notice: `Core not running: ${line(core.lastFailure.reason)}`, coreReady: false, offerRestart: true };
    case 'stopping':
    case 'stopped':
      return { ...base, icon: 'stopped', tooltip: 'Lookout — quitting…', notice: null, coreReady: false };
  }
}
