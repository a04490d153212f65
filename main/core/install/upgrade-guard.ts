import type { Logger } from 'pino';
import type { InstallComponentId, InstallProgress } from '../../../common/install';
import type { ComponentState } from '../../../common/model';
import { confirm, rollback } from './activation';
import type { RuntimeLayout } from './layout';

/*
 * A release upgrade switches `current` to the new version beside the old one (activation.ts). What makes it
 * safe is what happens next: a component that was running is restarted on the new binary, and only once it
 * has come up again are the other versions removed. If it does not come up, `current` goes back to the
 * version that ran before and the component is restarted on it — its data (outside runtimes/) and its
 * rendered config were never touched — and the UI hears why.
 */

export interface UpgradeGuardDeps {
  layout: RuntimeLayout;
  logger: Logger;
  /** install.keepPrevious: off means the old version goes as soon as the new one is current. */
  keepPrevious(): boolean;
  /** Its state now (before the restart on the new binary). */
  state(id: InstallComponentId): ComponentState;
  /** Re-read settings and binaries: restarts what runs on a binary that changed. */
  apply(): Promise<void>;
  /** Resolves with its state once the restart has settled, or at its first failed attempt. */
  settle(id: InstallComponentId): Promise<ComponentState>;
  /** Stop and start it again (from whatever state: crashed, backing off, given up). */
  restart(id: InstallComponentId): Promise<void>;
  onProgress(e: InstallProgress): void;
}

export type UpgradeOutcome = 'confirmed' | 'kept' | 'rolled-back';

export async function guardUpgrade(deps: UpgradeGuardDeps, component: InstallComponentId, from: string, to: string): Promise<UpgradeOutcome> {
  const live = deps.state(component) === 'running' || deps.state(component) === 'unhealthy';
  if (!deps.keepPrevious()) {
    await confirm(deps.layout, component);
    await deps.apply();
    return 'confirmed';
  }
  await deps.apply();
  // Not running: nothing proves the new version yet; the previous one stays for `lookout install --rollback`.
  if (!live) return 'kept';
  const state = await deps.settle(component);
  if (state === 'running') {
    const removed = await confirm(deps.layout, component);
    deps.logger.info({ component, from, to, removed }, 'upgrade confirmed: the new version runs');
    return 'confirmed';
  }
  const back = await rollback(deps.layout, component);
  deps.logger.warn({ component, from, to, state }, 'upgrade did not start; rolled back');
  // Not apply(): that restarts only what runs, and the failed attempts may have left it backing off or
  // given up (on a loaded machine the supervisor can reach its crash limit before this point).
  await deps.restart(component);
  const message = `${component} ${to} did not start (${state}); rolled back to ${back}, which runs with the same data and config`;
  deps.onProgress({
    component,
    source: 'release',
    phase: 'failed',
    message,
    failure: { kind: 'broken-binary', message, fix: `look at its log (lookout doctor names it); ${to} stays installed beside ${back} until \`lookout install --confirm ${component}\` or another upgrade` },
  });
  return 'rolled-back';
}
