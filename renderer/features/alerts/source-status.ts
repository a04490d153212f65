/**
 * How the UI speaks about Alertmanager's reachability. Only an Alertmanager that should answer and does
 * not is a warning (a banner); one that is starting or stopped is a state, said calmly inline (issue 15,
 * "no noise"). The core reports a `status` on the source (new, may be absent or carry a value this build
 * does not know); without one, the stack's own state of the alertmanager component decides.
 */
import type { AlertSourceStatus, ComponentState } from '../../../common/model';

export type SourceNotice = { kind: 'none' } | { kind: 'banner'; text: string } | { kind: 'calm'; text: string };

export function alertmanagerNotice(source: AlertSourceStatus | undefined, component: ComponentState | undefined): SourceNotice {
  if (!source) return { kind: 'none' };
  const status = (source as AlertSourceStatus & { status?: unknown }).status;
  if (typeof status === 'string') {
    if (status === 'unreachable') return banner(source);
    if (status === 'starting') return { kind: 'calm', text: 'Alertmanager is starting' };
    if (status === 'stopped') return { kind: 'calm', text: 'Alertmanager is stopped' };
    if (status === 'ok' || status === 'reachable' || status === 'up') return { kind: 'none' };
    // A status this build does not know: say it, without alarm.
    return source.reachable === false ? { kind: 'calm', text: `Alertmanager: ${status}` } : { kind: 'none' };
  }
  if (source.reachable !== false) return { kind: 'none' };
  if (component === 'starting') return { kind: 'calm', text: 'Alertmanager is starting' };
  if (component === 'stopped' || component === 'stopping' || component === 'not-installed') return { kind: 'calm', text: `Alertmanager is ${component === 'not-installed' ? 'not installed' : 'stopped'}` };
  return banner(source);
}

function banner(source: AlertSourceStatus): SourceNotice {
  return { kind: 'banner', text: `Alertmanager is not reachable${source.error ? ` (${source.error})` : ''}; showing its last known alerts.` };
}
