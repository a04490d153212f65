import { lstat } from 'node:fs/promises';
import type { InstallComponentId } from '../../../common/install';
import type { DockerDetection } from '../runtime/docker-detect';
import type { Installer } from './installer';
import type { ReleaseInstaller } from './release-installer';

/** One line of `lookout doctor` about installs and runtimes. */
export interface RuntimeCheck {
  name: string;
  /** False only for something that stops what the settings ask for. */
  ok: boolean;
  detail: string;
  fix?: string;
}

export interface RuntimeCheckDeps {
  brew: Installer;
  release: ReleaseInstaller;
  /** The `install.source` setting: a missing Homebrew is only a problem when it is "brew". */
  source: 'auto' | 'brew' | 'release';
  /** Components whose runtime is "docker"; Docker is checked only when there is one. */
  dockerComponents: InstallComponentId[];
  detectDocker(): Promise<DockerDetection>;
  /** Components to report release installs and upgrades for. */
  components: InstallComponentId[];
}

/**
 * What `lookout doctor` (and onboarding's "runtimes found") says about installing and running: is
 * Homebrew there, can release archives be used on this platform, is Docker up when a component needs it,
 * is each release install complete, and is a newer version available.
 */
export async function runtimeChecks(deps: RuntimeCheckDeps): Promise<RuntimeCheck[]> {
  const out: RuntimeCheck[] = [];
  const brew = await deps.brew.available();
  out.push(brew.ok ? { name: 'Homebrew', ok: true, detail: brew.detail ?? 'found' } : { name: 'Homebrew', ok: deps.source !== 'brew', detail: brew.reason ?? 'not found', fix: brew.fix });
  const release = await deps.release.available();
  out.push(release.ok ? { name: 'Release downloads', ok: true, detail: release.detail ?? 'available' } : { name: 'Release downloads', ok: deps.source !== 'release', detail: release.reason ?? 'unavailable', fix: release.fix });
  if (deps.dockerComponents.length) {
    const d = await deps.detectDocker();
    out.push(d.ok ? { name: 'Docker', ok: true, detail: d.detail ?? 'available' } : { name: 'Docker', ok: false, detail: `${d.reason} (needed by ${deps.dockerComponents.join(', ')})`, fix: d.fix });
  }
  for (const id of deps.components.filter((c) => deps.release.supports(c))) {
    const version = await deps.release.installedVersion(id);
    const linked = await lstat(deps.release.layout.current(id)).then(() => true, () => false);
    if (linked && !version) {
      out.push({ name: `${id} (release install)`, ok: false, detail: `${deps.release.layout.current(id)} points at an incomplete install`, fix: `lookout install ${id} --source release` });
      continue;
    }
    if (!version) continue;
    const up = await deps.release.upgradeInfo(id);
    out.push({ name: `${id} (release install)`, ok: true, detail: up?.newer ? `${version} installed; ${up.available} is available (lookout install ${id} upgrades, keeping the data)` : `${version} installed` });
  }
  return out;
}
