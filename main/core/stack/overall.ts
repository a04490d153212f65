import type { ComponentStatus, OverallState, StackSnapshot } from '../../../common/model';

/**
 * The worst-state summary the tray icon shows, from one stack snapshot. Rules, first match wins:
 *
 * 1. `critical` — a component is `failed` (crash loop, port conflict, invalid config): nothing
 *    recovers until the user acts, so it outranks everything else.
 * 2. `starting` — a component is `starting` or `stopping`: the picture is about to change, and a
 *    warning flashing by during every start would train the user to ignore it.
 * 3. `warning`  — a component is `unhealthy`, the stack is only partly running (one down, or not
 *    installed, while others run), or the settings / rendered config were rejected.
 * 4. `ok`       — every component runs.
 * 5. `stopped`  — nothing runs (stopped or not installed): a deliberate state, not a problem.
 *
 * An empty component list counts as `stopped` (nothing is supervised yet).
 */
export function overallState(snapshot: Omit<StackSnapshot, 'overall'>): OverallState {
  const states = snapshot.components.map((c: ComponentStatus) => c.state);
  const has = (...wanted: ComponentStatus['state'][]) => states.some((s) => wanted.includes(s));
  const hasProblem = snapshot.settingsError !== null || snapshot.configError !== null;

  if (has('failed')) return 'critical';
  if (has('starting', 'stopping')) return 'starting';
  if (has('unhealthy')) return 'warning';
  const running = states.filter((s) => s === 'running').length;
  if (running > 0 && running < states.length) return 'warning';
  if (hasProblem) return 'warning';
  return running > 0 ? 'ok' : 'stopped';
}
