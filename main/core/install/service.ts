/**
 * Installing components from the running Lookout: what onboarding's "Install and start" and the
 * install:* channels call. It chooses the installer per component (the `install.source` setting),
 * streams progress as events, remembers the last failure per component, and lets the stack look again
 * when an install lands. The CLI's `lookout install` uses the same functions without a running instance.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { INSTALL_COMPONENT_IDS, type Availability, type InstallComponentId, type InstallFailure, type InstallProgress, type InstallStatus } from '../../../common/install';
import type { Handlers } from '../api';
import type { Paths } from '../paths';
import type { CommandRunner } from '../ports';
import { IMAGES } from '../runtime/compose-file';
import { RuntimeError } from '../runtime/compose-runtime';
import { detectDocker, dockerOverride } from '../runtime/docker-detect';
import { installWithDocker } from '../runtime/docker-install';
import { createProcessStreamer } from '../runtime/process-stream';
import type { Settings } from '../settings/schema';
import { findBinary, readVersion, type BinarySearch } from '../stack/binaries';
import { spec } from '../stack/catalog';
import { createBrewInstaller } from './brew-installer';
import { currentVersion } from './activation';
import { InstallError } from './errors';
import { chooseInstaller, type Installer } from './installer';
import { componentSearch, runtimeLayout } from './layout';
import { createReleaseInstaller, type ReleaseInstaller } from './release-installer';

export interface InstallServiceDeps {
  paths: Paths;
  runner: CommandRunner;
  logger: Logger;
  settings(): Settings;
  /** Where the stack looks for binaries (Homebrew's prefixes, PATH); Lookout's own installs come first. */
  search: Omit<BinarySearch, 'override'>;
  onProgress(e: InstallProgress): void;
  /**
   * An install finished: the stack should look for the binary again. `from` is the release version that was
   * current before, when this switched a release install to another version (an upgrade to guard).
   */
  onInstalled(component: InstallComponentId, change: { from: string | null; to: string; source: 'release' | 'brew' }): void;
}

type InstallHandlers = Pick<Handlers, 'install:status' | 'install:start' | 'install:cancel'>;

/** The installers, built from settings each time (the mirror can change). */
export function installersFor(deps: { home: string; runner: CommandRunner; settings: Settings; search?: Omit<BinarySearch, 'override'> }): { release: ReleaseInstaller; brew: Installer } {
  return {
    release: createReleaseInstaller({ home: deps.home, runner: deps.runner, mirror: deps.settings.install.mirror }),
    brew: createBrewInstaller({ streamer: createProcessStreamer(), runner: deps.runner, search: deps.search }),
  };
}

export function createInstallService(deps: InstallServiceDeps): { handlers: InstallHandlers; dispose(): void } {
  const running = new Map<InstallComponentId, AbortController>();
  const failures = new Map<InstallComponentId, InstallFailure>();
  const layout = runtimeLayout(deps.paths.home);

  const installers = () => installersFor({ home: deps.paths.home, runner: deps.runner, settings: deps.settings(), search: deps.search });

  async function status(): Promise<InstallStatus> {
    const settings = deps.settings();
    const { release, brew } = installers();
    const [releaseOk, brewOk, docker] = await Promise.all([release.available(), brew.available(), detectDocker(deps.runner, dockerOverride(settings)).catch((e: unknown): Availability => ({ ok: false, reason: (e as Error).message }))]);
    const components = await Promise.all(
      INSTALL_COMPONENT_IDS.map(async (component) => {
        const c = settings.stack.components[component];
        if (c.runtime === 'docker') {
          // A container needs no binary here: the engine pulls its image on the first start.
          const image = settings.docker.images[component] ?? IMAGES[component];
          const base = { component, enabled: c.enabled, installed: docker.ok, origin: 'docker', binary: image, upgrade: null, installing: running.has(component) } as const;
          return { ...base, version: /:v?([\w.-]+)$/.exec(image)?.[1] ?? null, lastFailure: failures.get(component) ?? null };
        }
        const binary = await findBinary(spec(component).binaries, { ...componentSearch(deps.paths.home, component, deps.search), override: c.binary });
        const origin = !binary ? null : binary.startsWith(layout.root + path.sep) ? 'release' : /\/(Cellar|homebrew)\//.test(binary) || binary.startsWith('/opt/homebrew/') ? 'brew' : 'found';
        const upgrade = origin === 'release' ? await release.upgradeInfo(component).catch(() => null) : null;
        return {
          component,
          enabled: c.enabled,
          installed: binary !== null,
          version: binary ? await readVersion(binary, deps.runner) : null,
          origin,
          binary,
          upgrade: upgrade?.newer ? upgrade : null,
          installing: running.has(component),
          lastFailure: failures.get(component) ?? null,
        } as const;
      }),
    );
    return { components: [...components], installers: { release: releaseOk, brew: brewOk, docker } };
  }

  async function install(component: InstallComponentId, source: 'auto' | 'brew' | 'release', controller: AbortController): Promise<void> {
    const { release, brew } = installers();
    try {
      const installer = await chooseInstaller(component, source, [brew, release]);
      const from = await currentVersion(layout, component);
      const done = await installer.install(component, { signal: controller.signal, onProgress: deps.onProgress });
      failures.delete(component);
      deps.logger.info({ component, version: done.version, source: done.source }, 'installed');
      deps.onInstalled(component, { from: done.source === 'release' && from !== done.version ? from : null, to: done.version, source: done.source });
    } catch (err) {
      const failure = err instanceof InstallError ? err.toJSON() : { kind: 'unexpected' as const, message: (err as Error).message, fix: 'try again; if it keeps failing, run lookout doctor' };
      failures.set(component, failure);
      deps.logger.warn({ component, failure }, 'install failed');
      deps.onProgress({ component, source: source === 'auto' ? 'release' : source, phase: 'failed', message: failure.message, failure });
    } finally {
      running.delete(component);
    }
  }

  /** Containers instead of installs: one pull for all of them (main/core/runtime/docker-install.ts). */
  async function installDocker(components: InstallComponentId[], controller: AbortController): Promise<void> {
    try {
      await installWithDocker(components, { paths: deps.paths, runner: deps.runner, settings: deps.settings(), signal: controller.signal, onProgress: deps.onProgress });
      for (const component of components) {
        failures.delete(component);
        deps.onProgress({ component, source: 'docker', phase: 'done', message: `${component} runs as a container from the next start` });
      }
    } catch (err) {
      const failure = { kind: controller.signal.aborted ? ('cancelled' as const) : ('unexpected' as const), message: (err as Error).message, fix: err instanceof RuntimeError ? err.fix : 'run lookout doctor' };
      for (const component of components) {
        failures.set(component, failure);
        deps.onProgress({ component, source: 'docker', phase: 'failed', message: failure.message, failure });
      }
      deps.logger.warn({ components, failure }, 'switching to containers failed');
    } finally {
      for (const component of components) running.delete(component);
    }
  }

  const handlers: InstallHandlers = {
    'install:status': status,
    async 'install:start'(req) {
      const settings = deps.settings();
      const now = await status();
      if (req.source === 'docker') {
        const wanted = (req.components ?? now.components.filter((c) => c.enabled && !c.installed).map((c) => c.component)).filter((c) => !running.has(c));
        const controller = new AbortController();
        for (const component of wanted) running.set(component, controller);
        if (wanted.length) void installDocker(wanted, controller);
        return { started: wanted, skipped: [] };
      }
      const wanted = req.components ?? now.components.filter((c) => c.enabled && !c.installed).map((c) => c.component);
      const started: InstallComponentId[] = [];
      const skipped: Array<{ component: InstallComponentId; reason: string }> = [];
      for (const component of wanted) {
        const c = now.components.find((x) => x.component === component)!;
        if (running.has(component)) skipped.push({ component, reason: 'an install is already under way' });
        else if (c.installed && !req.components) skipped.push({ component, reason: `already installed (${c.binary})` });
        else {
          const controller = new AbortController();
          running.set(component, controller);
          started.push(component);
          void install(component, req.source ?? settings.install.source, controller);
        }
      }
      return { started, skipped };
    },
    async 'install:cancel'(req) {
      for (const [component, controller] of running) if (!req.components || req.components.includes(component)) controller.abort();
      return status();
    },
  };

  return {
    handlers,
    dispose() {
      for (const controller of running.values()) controller.abort();
    },
  };
}
