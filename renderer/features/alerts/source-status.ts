/**
 * How the UI speaks about Alertmanager's reachability. Only an Alertmanager that should answer and does
 * not is a warning (a banner); one that is starting or stopped is a state, said calmly inline (issue 15,
 * "no noise"). The core reports the source's `state` (absent from older cores, and may carry a value this
 * build does not know); without one, the stack's own state of the alertmanager component decides.
 */
import type { AlertSourceStatus, ComponentState, ComponentStatus } from '../../../common/model';

/**
 * How long after its process came up an Alertmanager that does not answer yet still reads "starting":
 * the alert list is synced every few seconds, so the last failed attempt can be older than the start.
 */
export const STARTING_GRACE_MS = 15_000;

export type SourceNotice = { kind: 'none' } | { kind: 'banner'; text: string } | { kind: 'calm'; text: string };

export function alertmanagerNotice(source: AlertSourceStatus | undefined, component: Pick<ComponentStatus, 'state' | 'since'> | ComponentState | undefined, now = Date.now()): SourceNotice {
  if (!source) return { kind: 'none' };
  const info = typeof component === 'string' ? { state: component, since: null } : component ? { state: component.state, since: component.since } : undefined;
  const state = info?.state;
  const justStarted = state === 'starting' || (state === 'running' && info?.since !== null && info?.since !== undefined && now - info.since < STARTING_GRACE_MS);
  // Typed as the contract's union, read as a string: a newer core may send a value this build does not know.
  const sourceState: string | undefined = source.state;
  switch (sourceState) {
    case 'unreachable':
      return justStarted ? { kind: 'calm', text: 'Alertmanager is starting' } : banner(source);
    case 'starting':
      return { kind: 'calm', text: 'Alertmanager is starting' };
    case 'stopped':
      return { kind: 'calm', text: `Alertmanager is ${state === 'not-installed' ? 'not installed' : 'stopped'}` };
    case 'reachable':
      return { kind: 'none' };
    case undefined:
    case 'unknown':
      break; // an older core, or no attempt yet: the component's own state decides below
    default:
      return source.reachable === false ? { kind: 'calm', text: `Alertmanager: ${sourceState}` } : { kind: 'none' };
  }
  if (source.reachable !== false) return { kind: 'none' };
  if (justStarted) return { kind: 'calm', text: 'Alertmanager is starting' };
  if (state === 'stopped' || state === 'stopping' || state === 'not-installed') return { kind: 'calm', text: `Alertmanager is ${state === 'not-installed' ? 'not installed' : 'stopped'}` };
  return banner(source);
}

function banner(source: AlertSourceStatus): SourceNotice {
  return { kind: 'banner', text: `Alertmanager is not reachable${source.error ? ` (${source.error})` : ''}; showing its last known alerts.` };
}
