import fs from 'node:fs/promises';
import { INSTALL_COMPONENT_IDS, type InstallComponentId } from '../../common/install';
import { COMPONENT_IDS, OPTIONAL_COMPONENT_IDS, type ComponentId } from '../../common/model';
import type { Paths } from './paths';
import type { CommandRunner, PortProbe } from './ports';
import type { Settings } from './settings/schema';
import { parseSettings, type SettingsStore } from './settings/store';
import { ConfigError, validateConfig, type ConfigTools } from './stack/apply-config';
import { DEFAULT_SEARCH_DIRS, findBinary, findTool, isExecutable, readVersion, type ToolName } from './stack/binaries';
import { spec } from './stack/catalog';
import { installHint } from './stack/component-spec';
import type { DoctorCheck } from './doctor-check';
import { collectorChecks, type CollectorHealth } from './metrics/doctor-checks';
import { lockdownChecks } from './lockdown/doctor-checks';
import { remoteWriteChecks } from './remote-write/doctor-checks';
import { attachOf } from './lockdown/attach';
import { runtimeChecks } from './install/doctor-checks';
import { installersFor } from './install/service';
import { detectDocker, dockerOverride } from './runtime/docker-detect';


export interface DoctorDeps {
  /** The store (its error() says whether the file is in force) or settings already loaded (the file is read to check it). */
  settings: SettingsStore | Settings;
  paths: Paths;
  runner: CommandRunner;
  ports: PortProbe;
  searchDirs?: string[];
  envPath?: string;
  platform?: NodeJS.Platform;
  /** Native collector health: the running instance's when there is one, else one run of each (main/core/metrics/doctor-checks.ts). */
  collectors?: () => Promise<CollectorHealth>;
  /**
   * Installer and runtime readiness (main/core/install/doctor-checks.ts: Homebrew, release downloads, Docker
   * when a component runs in it, each release install). Built from the settings, the home and the runner when
   * omitted; a test can pass its own.
   */
  runtime?: (settings: Settings) => Promise<DoctorCheck[]>;
}

/** The runtime checks with the real installers of this home, searching for brew where the stack searches for binaries. */
function defaultRuntimeChecks(deps: DoctorDeps): (settings: Settings) => Promise<DoctorCheck[]> {
  return (settings) => {
    const { release, brew } = installersFor({ home: deps.paths.home, runner: deps.runner, settings, search: { searchDirs: deps.searchDirs, envPath: deps.envPath } });
    const enabled = INSTALL_COMPONENT_IDS.filter((id) => settings.stack.components[id].enabled && !attachOf(settings, id as ComponentId));
    const docker = enabled.filter((id: InstallComponentId) => (settings.stack.components[id] as { runtime?: string }).runtime === 'docker');
    return runtimeChecks({ brew, release, source: settings.install.source, dockerComponents: docker, detectDocker: () => detectDocker(deps.runner, { envPath: deps.envPath, ...dockerOverride(settings) }), components: enabled });
  };
}

const isStore = (s: SettingsStore | Settings): s is SettingsStore => typeof (s as SettingsStore).current === 'function';

const isOptional = (id: ComponentId): id is (typeof OPTIONAL_COMPONENT_IDS)[number] => (OPTIONAL_COMPONENT_IDS as readonly ComponentId[]).includes(id);

/** What an optional component adds, for the warning when it is missing. */
const OPTIONAL_ROLE: Record<(typeof OPTIONAL_COMPONENT_IDS)[number], string> = {
  node_exporter: "adds the host exporter's metrics; Lookout's own collectors measure the machine without it",
  grafana: 'adds the dashboards; alerts and the popover work without it',
  jaeger: "adds Jaeger's trace UI; Lookout's own traces view works without it",
};

/** Which component ships each validator. */
const TOOL_OF: Record<ToolName, ComponentId> = { promtool: 'prometheus', amtool: 'alertmanager' };

async function settingsCheck(deps: DoctorDeps): Promise<DoctorCheck> {
  const file = deps.paths.settings;
  const fix = `edit ${file}; Lookout applies it as soon as it is valid`;
  let problem: string | null;
  if (isStore(deps.settings)) {
    problem = deps.settings.error();
  } else {
    const text = await fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
    if (text === null) return { name: 'settings', ok: true, detail: `${file} does not exist yet; the defaults apply` };
    const parsed = parseSettings(text, file);
    problem = parsed.ok ? null : parsed.error;
  }
  return problem ? { name: 'settings', ok: false, detail: problem, fix } : { name: 'settings', ok: true, detail: `${file} is valid` };
}

/** Pid recorded by Lookout for a component it runs (run/<id>.pid.json), or for itself (serve.json). */
async function recordedPid(file: string): Promise<number | null> {
  try {
    const pid = (JSON.parse(await fs.readFile(file, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

async function portCheck(deps: DoctorDeps, port: number, label: string, field: string, ours: { pid: number | null; who: string }[]): Promise<DoctorCheck> {
  const name = `port ${port} (${label})`;
  const holder = await deps.ports.holder(port);
  if (!holder) return { name, ok: true, detail: 'free' };
  const mine = ours.find((o) => o.pid !== null && o.pid === holder.pid);
  if (mine) return { name, ok: true, detail: `in use by ${mine.who}, pid ${holder.pid}` };
  const who = holder.pid === null ? 'a process Lookout cannot identify (another user’s?)' : `${holder.command ?? 'unknown command'} (pid ${holder.pid})`;
  return { name, ok: false, detail: `in use by ${who}`, fix: `stop that process, or set ${field} to a free port in ${deps.paths.settings}` };
}

/**
 * Check what Lookout needs, without changing anything: settings, binaries and versions, validators,
 * ports, and whether the rendered configs pass promtool/amtool (validated in a temp dir, never the live stack dir).
 */
export async function runDoctor(deps: DoctorDeps): Promise<DoctorCheck[]> {
  const settings = isStore(deps.settings) ? deps.settings.current() : deps.settings;
  const platform = deps.platform ?? process.platform;
  const search = { searchDirs: deps.searchDirs, envPath: deps.envPath };
  const where = `${(deps.searchDirs ?? DEFAULT_SEARCH_DIRS).join(', ')}${(deps.searchDirs ?? DEFAULT_SEARCH_DIRS).length ? ' and ' : ''}PATH`;
  const checks: DoctorCheck[] = [await settingsCheck(deps)];

  const binaries = new Map<ComponentId, string | null>();
  for (const id of COMPONENT_IDS) {
    const s = spec(id);
    const c = settings.stack.components[id];
    const name = `${s.name} binary`;
    if (!c.enabled) {
      checks.push({ name, ok: true, detail: 'disabled in settings' });
      continue;
    }
    const attach = attachOf(settings, id);
    if (attach) {
      checks.push({ name, ok: true, detail: `not needed: attached to ${attach.url}` });
      continue;
    }
    const binary = await findBinary(s.binaries, { ...search, override: c.binary });
    binaries.set(id, binary);
    const found = binary ? `${binary} (version ${(await readVersion(binary, deps.runner)) ?? 'unknown'})` : null;
    if (c.binary && !(await isExecutable(c.binary))) {
      checks.push({
        name,
        ok: false,
        detail: `stack.components.${id}.binary (${c.binary}) is not an executable file; ${found ? `using ${found} instead` : 'no other binary found'}`,
        fix: `correct or remove stack.components.${id}.binary in ${deps.paths.settings}`,
      });
    } else if (found) {
      // A binary is not always a usable install (Grafana also needs its homepath).
      const incomplete = binary && s.checkInstall ? await s.checkInstall(settings, binary) : null;
      checks.push(incomplete ? { name, ok: false, detail: `${found}, but ${incomplete.problem}`, fix: incomplete.fix } : { name, ok: true, detail: found });
    } else if (isOptional(id)) {
      // Lookout works without it: a warning, with the way to say "I don't want it" as well as the install.
      checks.push({
        name,
        ok: true,
        warning: true,
        detail: `not found (looked for ${s.binaries.join(' or ')} in ${where}); optional: ${s.name} ${OPTIONAL_ROLE[id]}`,
        fix: `${installHint(s, platform)}, or set stack.components.${id}.enabled to false in ${deps.paths.settings}`,
      });
    } else {
      checks.push({ name, ok: false, detail: `not found (looked for ${s.binaries.join(' or ')} in ${where})`, fix: installHint(s, platform) });
    }
  }

  const tools: ConfigTools = { promtool: null, amtool: null };
  for (const tool of ['promtool', 'amtool'] as const) {
    const owner = TOOL_OF[tool];
    const found = await findTool(tool, binaries.get(owner) ?? null, search);
    tools[tool] = found;
    if (found) checks.push({ name: tool, ok: true, detail: `${found} (version ${(await readVersion(found, deps.runner)) ?? 'unknown'})` });
    else if (!settings.stack.components[owner].enabled) checks.push({ name: tool, ok: true, detail: `not found; not needed while ${spec(owner).name} is disabled` });
    else checks.push({ name: tool, ok: false, detail: `not found; it validates ${owner === 'prometheus' ? 'prometheus.yml and rules' : 'alertmanager.yml'} before use`, fix: installHint(spec(owner), platform) });
  }

  for (const id of COMPONENT_IDS) {
    const c = settings.stack.components[id];
    // An attached server listens where it likes; its port setting is not used.
    if (!c.enabled || attachOf(settings, id)) continue;
    const pid = await recordedPid(deps.paths.pidFile(id));
    checks.push(await portCheck(deps, c.port, spec(id).name, `stack.components.${id}.port`, [{ pid, who: `Lookout's ${id}` }]));
  }
  // Lookout's own port is legitimately taken by a running Lookout: this process, or the one serve.json names.
  const servePid = await recordedPid(deps.paths.serveFile);
  checks.push(await portCheck(deps, settings.lookout.port, 'Lookout', 'lookout.port', [{ pid: process.pid, who: 'this Lookout' }, { pid: servePid, who: 'a running Lookout' }]));

  try {
    await validateConfig({ settings, paths: deps.paths, runner: deps.runner, tools, platform });
    const checked = [tools.promtool && 'promtool', tools.amtool && 'amtool'].filter(Boolean).join(' and ');
    checks.push({ name: 'rendered config', ok: true, detail: checked ? `passes ${checked}` : 'nothing to validate (Prometheus and Alertmanager disabled)' });
  } catch (e) {
    const missingTool = e instanceof ConfigError && e.file === null;
    checks.push({
      name: 'rendered config',
      ok: false,
      detail: (e as Error).message,
      fix: missingTool ? 'install the missing tool (see above)' : `change the settings that produce it in ${deps.paths.settings}`,
    });
  }
  if (deps.collectors) checks.push(...collectorChecks(await deps.collectors(), deps.paths.settings));
  checks.push(...(await (deps.runtime ?? defaultRuntimeChecks(deps))(settings)));
  checks.push(...(await lockdownChecks(settings, deps.paths)));
  checks.push(...(await remoteWriteChecks(settings, deps.paths)));
  return checks;
}

/** One line per check (✓/!/✗ name: detail; ! is a warning that does not fail), the fix indented on the next line; for the CLI. */
export function formatDoctor(checks: DoctorCheck[]): string {
  const oneLine = (text: string) =>
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .reduce((acc, l) => (acc ? `${acc}${acc.endsWith(':') ? ' ' : '; '}${l}` : l), '');
  return checks
    .map((c) => `${!c.ok ? '✗' : c.warning ? '!' : '✓'} ${c.name}: ${oneLine(c.detail)}${c.fix ? `\n    fix: ${oneLine(c.fix)}` : ''}`)
    .join('\n');
}
