import { access, mkdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { COMPONENT_IDS, type ComponentId, type ComponentState, type ComponentStatus } from '../../../common/model';
import type { Paths } from '../paths';
import type { Clock, CommandRunner, HealthProbe, PortProbe, Spawner, Timer } from '../ports';
import { runsInDocker } from '../runtime/addresses';
import { IMAGES, SERVICE } from '../runtime/compose-file';
import { COMPOSE_FILE } from '../runtime/compose-render';
import { createContainerSpawner, upArgs, type ContainerTarget } from '../runtime/container-spawner';
import { dockerSearchDirs } from '../runtime/docker-detect';
import { createProcessStreamer, type ProcessStreamer } from '../runtime/process-stream';
import { changedServices } from '../runtime/compose-diff';
import type { Settings } from '../settings/schema';
import { componentSearch, runtimeLayout } from '../install/layout';
import { createSerialQueue } from '../serial-queue';
import { ATTACHABLE, attachOf } from '../lockdown/attach';
import { AttachedComponent } from './attached';
import { applyConfig, ConfigError, ConfigWriteError } from './apply-config';
import { findBinary, findTool, overrideProblem, readVersion, type BinarySearch } from './binaries';
import { CATALOG, spec } from './catalog';
import { componentUrl, installHint } from './component-spec';
import { changedFlags } from './flag-check';
import { ComponentSupervisor, type PlanResult } from './supervisor';
import type { SupervisionTimings } from './timings';

/** A render that failed on the disk (not on a validator) is tried again after this, doubling up to the max. */
const RENDER_RETRY_MS = 2_000;
const RENDER_RETRY_MAX_MS = 30_000;

export interface StackDeps {
  paths: Paths;
  settings(): Settings;
  clock: Clock;
  spawner: Spawner;
  health: HealthProbe;
  ports: PortProbe;
  runner: CommandRunner;
  /** Streamed tools: docker compose for components whose runtime is "docker" (default: the real one). */
  streamer?: ProcessStreamer;
  logger: Logger;
  search: Omit<BinarySearch, 'override'>;
  timings?: Partial<SupervisionTimings>;
  onChange(): void;
  onUnexpectedExit(id: ComponentId): void;
  /**
   * Checks the validators cannot make (an alert receiver's secret, an SMTP server that answers), run
   * before a render is applied; a ConfigError keeps the running config, like a rejection by promtool.
   */
  checkSettings?(settings: Settings): Promise<void>;
  /** Run a step inside a span of Lookout's own tracer (stack start, config apply); default: just run it. */
  trace?<T>(name: string, fn: () => Promise<T>, attributes?: Record<string, string | number | boolean>): Promise<T>;
}

/** The whole stack: one supervisor per component, started in dependency order, fed from settings. */
export class Stack {
  private readonly supervisors = new Map<ComponentId, ComponentSupervisor>();
  /** Watchers for Prometheus and Alertmanager when settings attach them to a server Lookout does not run. */
  private readonly attached = new Map<ComponentId, AttachedComponent>();
  private configError: string | null = null;
  /**
   * Renders and applies run one at a time: the settings watcher, the demo watcher and the secrets
   * handlers can each ask for one, and an older render must never land after a newer one.
   */
  private readonly applying = createSerialQueue();
  /** A pending re-render after the disk refused one, and the wait before the next attempt. */
  private retryTimer: Timer | null = null;
  private retryDelayMs = RENDER_RETRY_MS;
  /** The docker CLI the last docker plan found (the container spawner runs compose through it). */
  private docker = 'docker';
  /** Docker components whose compose service definition changed in the last render: `up` must recreate them. */
  private recreate = new Set<ComponentId>();

  constructor(private readonly deps: StackDeps) {
    for (const id of COMPONENT_IDS) {
      this.supervisors.set(
        id,
        new ComponentSupervisor({
          spec: spec(id),
          clock: deps.clock,
          spawner: this.spawnerFor(id),
          health: deps.health,
          ports: deps.ports,
          logger: deps.logger,
          timings: deps.timings,
          plan: () => this.plan(id),
          preflight: () => this.preflight(id),
          onChange: deps.onChange,
          onUnexpectedExit: () => deps.onUnexpectedExit(id),
        }),
      );
    }
    for (const id of ATTACHABLE) {
      this.attached.set(
        id,
        new AttachedComponent({
          spec: spec(id),
          clock: deps.clock,
          health: deps.health,
          logger: deps.logger,
          timings: deps.timings,
          url: () => componentUrl(deps.settings(), id),
          onChange: deps.onChange,
        }),
      );
    }
  }

  /** Enabled components, in dependency order. */
  snapshot(): ComponentStatus[] {
    const settings = this.deps.settings();
    return this.enabled(settings).map((id) => this.sup(id).status(settings.stack.components[id].port, componentUrl(settings, id)));
  }

  /** One component's state as the supervisor (or the attached watcher) has it. */
  state(id: ComponentId): ComponentState {
    return this.sup(id).currentState;
  }

  /** Resolves with its state once it has settled after a start or restart, or at its first failed attempt. */
  settle(id: ComponentId): Promise<ComponentState> {
    return this.sup(id).waitSettled(this.deps.timings?.startTimeoutMs ?? 60_000, { untilFirstFailure: true });
  }

  /** Why the rendered config is not in force, or null. */
  get lastConfigError(): string | null {
    return this.configError;
  }

  /** Find binaries and versions, adopt components an earlier Lookout left running. */
  async init(): Promise<void> {
    await Promise.all(this.enabled(this.deps.settings()).map((id) => this.sup(id).probe()));
    await Promise.all(this.enabled(this.deps.settings()).map((id) => this.sup(id).adopt()));
  }

  /** Start components level by level: a component starts once what it depends on has settled. */
  async start(ids?: ComponentId[]): Promise<void> {
    const wanted = this.select(ids);
    await this.traced('stack start', () => this.startLevels(wanted), { components: wanted.join(',') });
  }

  private async startLevels(wanted: ComponentId[]): Promise<void> {
    for (const level of levels(wanted)) {
      await Promise.all(
        level.map(async (id) => {
          const sup = this.sup(id);
          await sup.start();
          // A crash loop answers after its first failure: its backoff can take half a minute, and the
          // caller (the UI, `lookout stack start`) learns nothing more by waiting through it.
          await sup.waitSettled(this.deps.timings?.startTimeoutMs ?? 60_000, { untilFirstFailure: true });
        }),
      );
    }
  }

  /** Stop components, dependents first, so Prometheus never scrapes a half-stopped stack. */
  async stop(ids?: ComponentId[]): Promise<void> {
    // No `select` here: stopping a component that settings just disabled is what applySettings must do,
    // and stopping one that is not running is a no-op, never an error.
    const wanted = ids ?? [...COMPONENT_IDS];
    for (const level of levels(wanted).reverse()) {
      await Promise.all(level.map((id) => this.sup(id).stop()));
    }
  }

  /** Restart the given components, each through a full stop and start. */
  async restart(ids: ComponentId[]): Promise<void> {
    const wanted = this.select(ids);
    await this.stop(wanted);
    await this.start(wanted);
  }

  /** Leave processes running (they are adopted next time) but stop watching them. */
  detach(): void {
    this.dispose();
    for (const sup of this.supervisors.values()) sup.detach();
    for (const watcher of this.attached.values()) watcher.detach();
  }

  /** Stop retrying a render (Lookout is shutting down). */
  dispose(): void {
    this.cancelRetry();
  }

  /**
   * Render, validate and put the configs in place. On a tool's rejection the running config stays
   * and the error is kept for the UI; a render the disk refused is retried until it succeeds.
   * Returns which components' config files changed.
   */
  render(): Promise<Set<ComponentId>> {
    return this.applying.run(() => this.renderNow());
  }

  /**
   * Settings changed: stop what was disabled, re-render, then restart components whose flags or binary
   * changed and reload those whose config files changed.
   */
  applySettings(): Promise<void> {
    return this.applying.run(() => this.applyNow());
  }

  /** Resolves once every render and apply asked for so far has finished (tests, shutdown). */
  idle(): Promise<void> {
    return this.applying.idle();
  }

  private renderNow(): Promise<Set<ComponentId>> {
    return this.traced('config apply', () => this.renderStep());
  }

  private traced<T>(name: string, fn: () => Promise<T>, attributes?: Record<string, string | number | boolean>): Promise<T> {
    return this.deps.trace ? this.deps.trace(name, fn, attributes) : fn();
  }

  private async renderStep(): Promise<Set<ComponentId>> {
    const settings = this.deps.settings();
    try {
      const prometheus = await findBinary(spec('prometheus').binaries, { ...this.searchFor('prometheus'), override: settings.stack.components.prometheus.binary });
      const alertmanager = await findBinary(spec('alertmanager').binaries, { ...this.searchFor('alertmanager'), override: settings.stack.components.alertmanager.binary });
      const tools = {
        promtool: prometheus ? await findTool('promtool', prometheus, this.deps.search) : null,
        amtool: alertmanager ? await findTool('amtool', alertmanager, this.deps.search) : null,
      };
      await this.deps.checkSettings?.(settings);
      const composeFile = path.join(this.deps.paths.stackDir, COMPOSE_FILE);
      const composeBefore = await readFile(composeFile, 'utf8').catch(() => null);
      const { changed } = await applyConfig({ settings, paths: this.deps.paths, runner: this.deps.runner, tools });
      this.recreate = changedServices(composeBefore, await readFile(composeFile, 'utf8').catch(() => null));
      this.configError = null;
      this.cancelRetry();
      return new Set(changed);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      this.configError = err.message;
      if (err instanceof ConfigWriteError) {
        this.configError = `${err.message}\nLookout tries again in ${Math.round(this.retryDelayMs / 1000)} s.`;
        this.scheduleRetry();
      }
      this.deps.logger.error({ err: err.message }, 'rendered config rejected; the running config stays');
      return new Set();
    } finally {
      this.deps.onChange();
    }
  }

  private async applyNow(): Promise<void> {
    const settings = this.deps.settings();
    const enabled = new Set(this.enabled(settings));
    await this.stop(COMPONENT_IDS.filter((id) => !enabled.has(id) && !['stopped', 'not-installed'].includes(this.sup(id).currentState)));
    await this.switchAttachMode(settings);
    const changed = await this.renderNow();
    if (this.configError) return;
    for (const id of enabled) {
      // An attached server's flags and config are not Lookout's.
      if (attachOf(settings, id)) continue;
      const sup = this.sup(id);
      if (sup.currentState === 'stopped' || sup.currentState === 'not-installed' || sup.currentState === 'failed') {
        // Not running: look again, so the row shows the binary (and version) the settings now name.
        await sup.probe();
        continue;
      }
      if (sup.currentState !== 'running' && sup.currentState !== 'unhealthy') continue;
      const s = spec(id);
      const docker = runsInDocker(settings, id);
      const binary = (docker ? await this.findDocker(settings) : await this.findComponent(id, settings)) ?? sup.binaryInUse ?? '';
      // A container's flags are in its compose service; its `up` command only changes with the wait timeout.
      const args = docker ? upArgs(this.containerTarget(id)) : s.args(settings, this.deps.paths, binary);
      const flagsChanged = sup.argsInUse !== null && sup.argsInUse.join('\0') !== args.join('\0');
      if (binary !== sup.binaryInUse) {
        this.deps.logger.info({ component: id, from: sup.binaryInUse, to: binary }, 'binary changed; restarting');
        await sup.restart();
      } else if (docker && (flagsChanged || this.recreate.has(id))) {
        // `up` recreates a container whose definition changed (and only then).
        this.deps.logger.info({ component: id }, 'compose service changed; recreating the container');
        await sup.restart();
      } else if (flagsChanged) {
        // A flag the binary refuses would crash-loop it: try them first, and keep the running process if refused.
        const refused = s.checkFlags ? await s.checkFlags(binary, args, { runner: this.deps.runner }) : null;
        if (refused) {
          const fields = changedFlags(sup.argsInUse ?? [], args).map((flag) => s.flagFields?.[flag] ?? flag);
          this.configError = `${s.name} refused its new flags: ${refused} (from ${fields.join(', ')}). It keeps running with the previous ones.`;
          this.deps.logger.error({ component: id, refused }, 'new flags refused; the running process stays');
          this.deps.onChange();
          continue;
        }
        this.deps.logger.info({ component: id }, 'flags changed; restarting');
        await sup.restart();
      } else if (changed.has(id)) {
        await sup.reload();
      }
    }
  }

  /**
   * A component switched between supervised and attached: the side no longer in use stops (our own process,
   * or the watching of the attached server) and the other takes over if the old one was live.
   */
  private async switchAttachMode(settings: Settings): Promise<void> {
    for (const id of ATTACHABLE) {
      const own = this.supervisors.get(id)!;
      const watcher = this.attached.get(id)!;
      const [from, to] = attachOf(settings, id) ? [own, watcher] : [watcher, own];
      if (from.currentState === 'stopped' || from.currentState === 'not-installed' || from.currentState === 'failed') continue;
      this.deps.logger.info({ component: id, attached: to === watcher }, 'attach mode changed');
      await from.stop();
      if (settings.stack.components[id].enabled) await to.start();
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null) return;
    const delay = this.retryDelayMs;
    this.retryTimer = this.deps.clock.setTimeout(() => {
      this.retryTimer = null;
      this.retryDelayMs = Math.min(delay * 2, RENDER_RETRY_MAX_MS);
      this.applySettings().catch((err: unknown) => this.deps.logger.error({ err }, 'retrying the config render failed'));
    }, delay);
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) this.deps.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryDelayMs = RENDER_RETRY_MS;
  }

  private async plan(id: ComponentId): Promise<PlanResult> {
    const settings = this.deps.settings();
    if (runsInDocker(settings, id)) return this.dockerPlan(id, settings);
    const s = spec(id);
    const c = settings.stack.components[id];
    const binary = await this.findComponent(id, settings);
    const badOverride = c.binary ? await overrideProblem(c.binary) : null;
    if (!binary) {
      return {
        notInstalled: `${s.name} not found (looked for ${s.binaries.join(', ')} in ${c.binary ? `${c.binary}, ` : ''}Homebrew and PATH)`,
        fix: `install it: ${installHint(s)}, or set stack.components.${id}.binary`,
      };
    }
    const incomplete = s.checkInstall ? await s.checkInstall(settings, binary) : null;
    if (incomplete) return { notInstalled: incomplete.problem, fix: incomplete.fix };
    return {
      binary,
      version: await readVersion(binary, this.deps.runner),
      args: s.args(settings, this.deps.paths, binary),
      port: c.port,
      baseUrl: componentUrl(settings, id),
      healthBaseUrl: s.healthBaseUrl?.(settings) ?? componentUrl(settings, id),
      logFile: this.deps.paths.logFile(id),
      pidFile: this.deps.paths.pidFile(id),
      warning: badOverride ? `stack.components.${id}.binary (${c.binary}) ${badOverride}; using ${binary} instead` : null,
    };
  }

  /** Run as a container: the docker CLI does it, the image's tag is the version, the published port is probed. */
  private async dockerPlan(id: ComponentId, settings: Settings): Promise<PlanResult> {
    const docker = await this.findDocker(settings);
    if (!docker) {
      return {
        notInstalled: `the docker command was not found (stack.components.${id}.runtime is "docker"; looked in ${settings.docker.binary ? `${settings.docker.binary}, ` : ''}${dockerSearchDirs().join(', ')} and PATH)`,
        fix: `install Docker Desktop, OrbStack or Colima, set docker.binary, or set stack.components.${id}.runtime to "native"`,
      };
    }
    this.docker = docker;
    const s = spec(id);
    const image = settings.docker.images[id] ?? IMAGES[id];
    return {
      binary: docker,
      version: /:v?([\w.-]+)$/.exec(image)?.[1] ?? null,
      args: upArgs(this.containerTarget(id)),
      port: settings.stack.components[id].port,
      baseUrl: componentUrl(settings, id),
      healthBaseUrl: s.healthBaseUrl?.(settings) ?? componentUrl(settings, id),
      logFile: this.deps.paths.logFile(id),
      pidFile: this.deps.paths.pidFile(id),
      container: true,
    };
  }

  private containerTarget(id: ComponentId): ContainerTarget {
    const settings = this.deps.settings();
    return {
      docker: this.docker,
      file: path.join(this.deps.paths.stackDir, COMPOSE_FILE),
      service: SERVICE[id],
      waitTimeoutS: settings.docker.waitTimeoutSeconds,
      stopGraceS: Math.ceil(spec(id).stopGraceMs / 1000),
    };
  }

  /** Native processes through the spawner given; a component whose runtime is "docker" through compose. */
  private spawnerFor(id: ComponentId): Spawner {
    const containers = createContainerSpawner({ streamer: this.deps.streamer ?? createProcessStreamer(), runner: this.deps.runner, target: () => this.containerTarget(id) });
    const pick = () => (runsInDocker(this.deps.settings(), id) ? containers : this.deps.spawner);
    return { spawn: (req) => pick().spawn(req), attach: (pid) => pick().attach(pid), commandLine: (pid) => pick().commandLine(pid) };
  }

  private findDocker(settings: Settings): Promise<string | null> {
    return findBinary(['docker'], { searchDirs: dockerSearchDirs(), envPath: this.deps.search.envPath, override: settings.docker.binary });
  }

  private async preflight(id: ComponentId): Promise<string | null> {
    const { paths } = this.deps;
    await Promise.all([mkdir(paths.dataDir(id), { recursive: true }), mkdir(paths.logsDir, { recursive: true }), mkdir(paths.runDir, { recursive: true })]);
    const needed = runsInDocker(this.deps.settings(), id) ? [...spec(id).configFiles, COMPOSE_FILE] : spec(id).configFiles;
    for (const file of needed) {
      try {
        await access(path.join(paths.stackDir, file));
      } catch {
        return `no valid ${file} has been rendered yet${this.configError ? `: ${this.configError}` : ''}`;
      }
    }
    return null;
  }

  /** Where to look for a component: Lookout's own release install of it first (main/core/install). */
  private searchFor(id: ComponentId): Omit<BinarySearch, 'override'> {
    return componentSearch(this.deps.paths.home, id, this.deps.search);
  }

  /**
   * The component's binary. One Lookout installed is taken by its real path (runtimes/<id>/<version>/…),
   * so an upgrade that moves the `current` link reads as a binary change, and restarts the component.
   */
  private async findComponent(id: ComponentId, settings: Settings): Promise<string | null> {
    const found = await findBinary(spec(id).binaries, { ...this.searchFor(id), override: settings.stack.components[id].binary });
    return found && found.startsWith(runtimeLayout(this.deps.paths.home).root + path.sep) ? realpath(found).catch(() => found) : found;
  }

  private select(ids: ComponentId[] | undefined): ComponentId[] {
    const settings = this.deps.settings();
    const enabled = this.enabled(settings);
    if (!ids) return enabled;
    const disabled = ids.filter((id) => !enabled.includes(id));
    if (disabled.length) {
      throw new Error(disabled.map((id) => `${id} is disabled in settings (stack.components.${id}.enabled)`).join('; '));
    }
    return ids;
  }

  private enabled(settings: Settings): ComponentId[] {
    return COMPONENT_IDS.filter((id) => settings.stack.components[id].enabled);
  }

  /** The component as the settings in force have it: Lookout's own process, or the server it is attached to. */
  private sup(id: ComponentId): ComponentSupervisor | AttachedComponent {
    return (attachOf(this.deps.settings(), id) && this.attached.get(id)) || this.supervisors.get(id)!;
  }
}

/** Group ids into levels: each level depends only on earlier ones (dependencies outside the set are ignored). */
export function levels(ids: readonly ComponentId[]): ComponentId[][] {
  const remaining = new Set(ids);
  const out: ComponentId[][] = [];
  while (remaining.size) {
    const level = [...remaining].filter((id) => CATALOG[id].dependsOn.every((d) => !remaining.has(d)));
    if (!level.length) throw new Error(`dependency cycle among ${[...remaining].join(', ')}`);
    level.forEach((id) => remaining.delete(id));
    out.push(level);
  }
  return out;
}
