import type { InstallComponentId, InstalledComponent, InstallFailure, InstallProgress, UpgradeInfo } from '../../../common/install';
import { InstallError } from './errors';
import type { Installer } from './installer';
import { RELEASES, type ReleaseSpec } from './release-catalog';
import { isNewer } from './versions';

/** The outcome for one component of a multi-component install. */
export type InstallOutcome = { component: InstallComponentId; installed: InstalledComponent } | { component: InstallComponentId; failure: InstallFailure };

/**
 * Install several components at once, each with the installer `choose` picks (chooseInstaller with the
 * `install.source` setting), the way onboarding's "Install and start" and `lookout install a b c` do.
 * One failure does not stop the others; every component gets an outcome, in the order asked.
 */
export async function installMany(
  components: InstallComponentId[],
  opts: { choose(component: InstallComponentId): Promise<Installer>; signal?: AbortSignal; onProgress?(e: InstallProgress): void; versions?: Partial<Record<InstallComponentId, string>> },
): Promise<InstallOutcome[]> {
  return Promise.all(
    components.map(async (component): Promise<InstallOutcome> => {
      try {
        const installer = await opts.choose(component);
        return { component, installed: await installer.install(component, { signal: opts.signal, onProgress: opts.onProgress, version: opts.versions?.[component] }) };
      } catch (err) {
        const e = err instanceof InstallError ? err : new InstallError('unexpected', (err as Error).message, 'try again');
        return { component, failure: e.toJSON() };
      }
    }),
  );
}

/**
 * Which release installs have a newer pinned version in the catalog. Pure: `installed` is what the release
 * installer reports (`installedVersion`), null for "not installed by release" (then there is nothing to upgrade).
 */
export function releaseUpgrades(installed: Partial<Record<InstallComponentId, string | null>>, catalog: Partial<Record<InstallComponentId, ReleaseSpec>> = RELEASES): UpgradeInfo[] {
  return (Object.entries(installed) as Array<[InstallComponentId, string | null]>)
    .filter(([id]) => catalog[id])
    .map(([component, version]) => ({ component, source: 'release', installed: version, available: catalog[component]!.version, newer: version !== null && isNewer(catalog[component]!.version, version) }));
}

const MiB = 2 ** 20;

/** One line for a terminal (`lookout install`): "prometheus    downloading 12.3 / 26.4 MiB  47%  Downloading …". */
export function formatProgress(e: InstallProgress): string {
  const head = `${e.component.padEnd(13)} ${e.phase.padEnd(11)}`;
  let amount = '';
  if (e.bytesDone !== undefined && e.bytesTotal) amount = `${(e.bytesDone / MiB).toFixed(1)} / ${(e.bytesTotal / MiB).toFixed(1)} MiB ${String(Math.floor((100 * e.bytesDone) / e.bytesTotal)).padStart(3)}%`;
  else if (e.bytesDone !== undefined) amount = `${(e.bytesDone / MiB).toFixed(1)} MiB`;
  else if (e.percent !== undefined) amount = `${e.percent.toFixed(0).padStart(3)}%`;
  const tail = e.failure ? `${e.failure.message} — ${e.failure.fix}` : e.message;
  return `${head} ${amount ? `${amount}  ` : ''}${tail}`;
}
