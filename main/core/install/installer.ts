import type { Availability, InstallComponentId, InstalledComponent, InstallProgress, InstallSource, UpgradeInfo } from '../../../common/install';
import { InstallError } from './errors';

/** Options of one install. */
export interface InstallOptions {
  /** Aborting cancels the install; whatever was half done is removed. */
  signal?: AbortSignal;
  onProgress?(event: InstallProgress): void;
  /** A specific version (release installer only; Homebrew installs the formula's current version). */
  version?: string;
}

/**
 * One way of installing components, put behind the supervisor by the lead: the release downloader
 * (release-installer.ts) and Homebrew (brew-installer.ts). Every method resolves or rejects with an
 * InstallError (kind + message + fix); none throws on bad input or a missing tool.
 */
export interface Installer {
  readonly id: InstallSource;
  /** Whether it can work on this machine at all (brew present; a supported platform). */
  available(): Promise<Availability>;
  /** Whether it knows how to install this component (Homebrew has no Jaeger formula; no Grafana release download). */
  supports(component: InstallComponentId): boolean;
  install(component: InstallComponentId, opts?: InstallOptions): Promise<InstalledComponent>;
  /** The version this installer has in place, null when it has none. */
  installedVersion(component: InstallComponentId): Promise<string | null>;
  /** Whether a newer version is available through this installer; null when it cannot tell. */
  upgradeInfo(component: InstallComponentId): Promise<UpgradeInfo | null>;
}

/** The `install.source` setting: a fixed installer, or `auto`. */
export type SourceChoice = 'auto' | InstallSource;

/**
 * Pick the installer for a component. `auto` prefers Homebrew when it is available and has a formula
 * (it keeps the component up to date with the rest of the Mac), and falls back to the release download
 * (always for Jaeger, which has no formula). A fixed choice that cannot install the component is an error
 * saying what to choose instead.
 */
export async function chooseInstaller(component: InstallComponentId, choice: SourceChoice, installers: Installer[]): Promise<Installer> {
  const byId = new Map(installers.map((i) => [i.id, i]));
  const order: InstallSource[] = choice === 'auto' ? ['brew', 'release'] : [choice];
  const reasons: string[] = [];
  for (const id of order) {
    const inst = byId.get(id);
    if (!inst) continue;
    if (!inst.supports(component)) {
      reasons.push(`${id} cannot install ${component}`);
      continue;
    }
    const avail = await inst.available();
    if (avail.ok) return inst;
    reasons.push(`${id}: ${avail.reason ?? 'not available'}`);
  }
  const other = choice === 'brew' ? 'release' : choice === 'release' ? 'brew' : null;
  throw new InstallError(
    choice === 'brew' ? 'no-brew' : 'no-formula',
    `no way to install ${component}: ${reasons.join('; ') || 'no installer configured'}`,
    other ? `set install.source to "${other}" or "auto", or run ${component} in Docker` : `install Homebrew (https://brew.sh), or run ${component} in Docker`,
  );
}
