import path from 'node:path';
import type { InstallComponentId, InstalledComponent, InstallFailureKind, InstallPhase, InstallProgress } from '../../../common/install';
import type { CommandRunner } from '../ports';
import type { ProcessStreamer } from '../runtime/process-stream';
import { DEFAULT_SEARCH_DIRS, findBinary, isExecutable, type BinarySearch } from '../stack/binaries';
import { cancelled, InstallError } from './errors';
import type { Installer, InstallOptions } from './installer';
import { parseBrewLine } from './brew-output';
import { isNewer } from './versions';

/** Formula and the binaries it links into `$(brew --prefix)/bin`. Jaeger has no formula in homebrew-core. */
export const BREW_FORMULAE: Partial<Record<InstallComponentId, { formula: string; binaries: string[] }>> = {
  prometheus: { formula: 'prometheus', binaries: ['prometheus', 'promtool'] },
  alertmanager: { formula: 'alertmanager', binaries: ['alertmanager', 'amtool'] },
  node_exporter: { formula: 'node_exporter', binaries: ['node_exporter'] },
  grafana: { formula: 'grafana', binaries: ['grafana'] },
};

export interface BrewInstallerDeps {
  streamer: ProcessStreamer;
  runner: CommandRunner;
  /** Where to look for `brew` (default: Homebrew's prefixes, then PATH). */
  search?: Omit<BinarySearch, 'override'>;
}

/** What `brew info --json=v2 <formula>` says about one formula (the fields Lookout reads). */
export interface BrewFormulaInfo {
  name: string;
  stable: string | null;
  installed: string[];
  linked: string | null;
}

/**
 * Parse `brew info --json=v2 <formula>`: `{ "formulae": [ { name, versions: { stable }, installed: [ { version } ],
 * linked_keg } ], "casks": [] }` (Formula#to_hash in Homebrew's formula.rb). Null when it is not that shape.
 */
export function parseBrewInfo(text: string): BrewFormulaInfo | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  const f = (doc as { formulae?: unknown[] })?.formulae?.[0] as
    | { name?: unknown; versions?: { stable?: unknown }; installed?: Array<{ version?: unknown }>; linked_keg?: unknown }
    | undefined;
  if (!f || typeof f.name !== 'string') return null;
  return {
    name: f.name,
    stable: typeof f.versions?.stable === 'string' ? f.versions.stable : null,
    installed: Array.isArray(f.installed) ? f.installed.map((k) => k?.version).filter((v): v is string => typeof v === 'string') : [],
    linked: typeof f.linked_keg === 'string' ? f.linked_keg : null,
  };
}

/**
 * Install components with Homebrew: `brew install --formula <formula>`, progress read from brew's own
 * output, cancel by SIGTERM to brew's process group (brew removes its half-poured keg itself). Lookout
 * never runs `brew services`: it supervises the processes itself, and a launchd copy would fight it for
 * the port.
 */
export function createBrewInstaller(deps: BrewInstallerDeps): Installer {
  const search = deps.search ?? { searchDirs: DEFAULT_SEARCH_DIRS };
  const inFlight = new Set<InstallComponentId>();
  const brew = () => findBinary(['brew'], search);

  async function info(binary: string, formula: string): Promise<BrewFormulaInfo | null> {
    const r = await deps.runner.run(binary, ['info', '--json=v2', '--formula', formula], { timeoutMs: 60_000 });
    return r.code === 0 ? parseBrewInfo(r.stdout) : null;
  }

  async function install(component: InstallComponentId, opts: InstallOptions = {}): Promise<InstalledComponent> {
    const emit = (phase: InstallPhase, message: string, extra: Partial<InstallProgress> = {}) => opts.onProgress?.({ component, source: 'brew', phase, message, ...extra });
    try {
      const entry = BREW_FORMULAE[component];
      if (!entry) throw new InstallError('no-formula', `Homebrew has no formula for ${component}`, `use the release download (install.source "release") or Docker for ${component}`);
      if (inFlight.has(component)) throw new InstallError('busy', `${component} is already being installed`, 'wait for that install to finish');
      const binary = await brew();
      if (!binary) throw noBrew();
      inFlight.add(component);
      try {
        const result = await runInstall(binary, component, entry, opts, emit);
        emit('done', `${entry.formula} ${result.version} installed (${result.dir})`);
        return result;
      } finally {
        inFlight.delete(component);
      }
    } catch (err) {
      const failure = err instanceof InstallError ? err : new InstallError('unexpected', `brew install failed: ${(err as Error).message}`, 'try again; if it persists, run brew doctor');
      emit('failed', failure.message, { failure: failure.toJSON() });
      throw failure;
    }
  }

  async function runInstall(
    binary: string,
    component: InstallComponentId,
    entry: { formula: string; binaries: string[] },
    opts: InstallOptions,
    emit: (phase: InstallPhase, message: string, extra?: Partial<InstallProgress>) => void,
  ): Promise<InstalledComponent> {
    if (opts.signal?.aborted) throw cancelled(`brew install ${entry.formula}`);
    emit('resolving', `brew install ${entry.formula}`);
    const errors: string[] = [];
    let kind: InstallFailureKind | undefined;
    let version: string | undefined;
    let phase: InstallPhase = 'resolving';
    const proc = deps.streamer.start({
      command: binary,
      args: ['install', '--formula', entry.formula],
      // No colours, no hints about environment variables: the output is read by Lookout, not a person.
      env: { HOMEBREW_NO_COLOR: '1', HOMEBREW_NO_ENV_HINTS: '1' },
      onLine: (line) => {
        const parsed = parseBrewLine(line);
        if (!parsed) return;
        if (parsed.error) {
          if (errors.length < 20) errors.push(parsed.error);
          kind ??= parsed.failureKind;
        }
        if (parsed.version && (!parsed.formula || parsed.formula === entry.formula)) version = parsed.version;
        if (parsed.phase) phase = parsed.phase;
        if (parsed.message || parsed.percent !== undefined) emit(phase, parsed.message ?? `Downloading ${entry.formula}`, parsed.percent !== undefined ? { percent: parsed.percent } : {});
      },
    });
    const onAbort = () => proc.kill('SIGTERM');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let exit;
    try {
      exit = await proc.exited;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    if (opts.signal?.aborted) throw cancelled(`brew install ${entry.formula}`);
    if (exit.error) throw noBrew(exit.error);
    if (exit.code !== 0) throw brewFailure(entry.formula, kind, errors, exit.code);

    const prefix = await deps.runner.run(binary, ['--prefix'], { timeoutMs: 30_000 });
    const bin = path.join(prefix.code === 0 && prefix.stdout.trim() ? prefix.stdout.trim() : path.dirname(path.dirname(binary)), 'bin');
    const binaries: Record<string, string> = {};
    for (const name of entry.binaries) {
      const file = path.join(bin, name);
      if (!(await isExecutable(file))) {
        throw new InstallError('brew-failed', `brew installed ${entry.formula} but ${file} is missing`, `run brew link ${entry.formula}, then try again`);
      }
      binaries[name] = file;
    }
    if (!version) {
      const i = await info(binary, entry.formula);
      version = i?.linked ?? i?.installed.at(-1) ?? undefined;
    }
    return { component, source: 'brew', version: version ?? 'unknown', binaries, dir: bin };
  }

  return {
    id: 'brew',
    async available() {
      const binary = await brew();
      if (!binary) return { ok: false, reason: noBrew().message, fix: noBrew().fix };
      const r = await deps.runner.run(binary, ['--version'], { timeoutMs: 30_000 });
      const first = r.stdout.split('\n')[0]?.trim();
      if (r.code !== 0 || !first) return { ok: false, reason: `${binary} --version failed: ${(r.stderr || r.stdout).trim().slice(0, 300)}`, fix: 'run brew doctor and fix what it reports' };
      return { ok: true, detail: `${first} (${binary})` };
    },
    supports: (component) => BREW_FORMULAE[component] !== undefined,
    install,
    async installedVersion(component) {
      const entry = BREW_FORMULAE[component];
      const binary = entry ? await brew() : null;
      if (!entry || !binary) return null;
      const i = await info(binary, entry.formula);
      return i?.linked ?? i?.installed.at(-1) ?? null;
    },
    async upgradeInfo(component) {
      const entry = BREW_FORMULAE[component];
      const binary = entry ? await brew() : null;
      if (!entry || !binary) return null;
      const i = await info(binary, entry.formula);
      if (!i?.stable) return null;
      const installed = i.linked ?? i.installed.at(-1) ?? null;
      return { component, source: 'brew', installed, available: i.stable, newer: installed !== null && isNewer(i.stable, installed) };
    },
  };
}

function noBrew(detail?: string): InstallError {
  return new InstallError(
    'no-brew',
    `Homebrew is not installed (no brew in ${DEFAULT_SEARCH_DIRS.join(', ')} or PATH)${detail ? `: ${detail}` : ''}`,
    'install Homebrew from https://brew.sh, or set install.source to "release" to download the official archives',
  );
}

function brewFailure(formula: string, kind: InstallFailureKind | undefined, errors: string[], code: number | null): InstallError {
  const said = errors.length ? errors.slice(-3).join(' / ') : `brew exited with ${code}`;
  switch (kind) {
    case 'unknown-formula':
      return new InstallError('unknown-formula', `Homebrew has no formula named "${formula}" (${said})`, 'run brew update, then try again; or use the release download');
    case 'dns':
    case 'offline':
    case 'refused':
    case 'timeout':
    case 'network':
      return new InstallError(kind, `brew install ${formula} could not download: ${said}`, 'check the network connection and try again');
    default:
      return new InstallError('brew-failed', `brew install ${formula} failed: ${said}`, `run brew doctor, then brew install ${formula} in a terminal to see the whole output`);
  }
}
