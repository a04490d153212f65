import os from 'node:os';
import path from 'node:path';
import type { Availability } from '../../../common/install';
import type { CommandRunner } from '../ports';
import type { Settings } from '../settings/schema';
import { findBinary } from '../stack/binaries';
import { DAEMON_DOWN } from './compose-output';
import { compareVersions } from '../install/versions';

/**
 * Where the docker CLI lives when a GUI app's PATH does not include it: Docker Desktop links
 * /usr/local/bin/docker (and keeps the original in the app bundle), Homebrew (Colima's usual install)
 * uses /opt/homebrew/bin, OrbStack links /usr/local/bin and keeps ~/.orbstack/bin.
 */
export function dockerSearchDirs(home = os.homedir()): string[] {
  return ['/usr/local/bin', '/opt/homebrew/bin', path.join(home, '.orbstack', 'bin'), '/Applications/Docker.app/Contents/Resources/bin'];
}

/** What was found: the CLI, which engine the current context points at, and the Compose plugin. */
export interface DockerDetection extends Availability {
  docker?: string;
  context?: string;
  /** "Docker Desktop", "OrbStack", "Colima" or "Docker Engine (<OS>)". */
  engine?: string;
  serverVersion?: string;
  composeVersion?: string;
  /** `--progress json` exists from Compose 2.29.0 on. */
  progressJson?: boolean;
}

const START_FIX = 'start Docker Desktop or OrbStack, or run `colima start`, then try again';

/**
 * Is Docker usable, and through what? Docker Desktop, OrbStack and Colima all expose the same docker
 * CLI and a context pointing at their engine, so this asks the CLI rather than looking for each app:
 * `docker context show` (which engine), `docker info --format '{{json .}}'` (is it up; OperatingSystem
 * names Docker Desktop and OrbStack), `docker compose version --short` (the v2 plugin).
 */
export async function detectDocker(runner: CommandRunner, opts: { docker?: string; searchDirs?: string[]; envPath?: string } = {}): Promise<DockerDetection> {
  const docker = opts.docker ?? (await findBinary(['docker'], { searchDirs: opts.searchDirs ?? dockerSearchDirs(), envPath: opts.envPath }));
  if (!docker) {
    return { ok: false, reason: 'the docker command was not found (Docker Desktop, OrbStack or Colima installs it)', fix: 'install Docker Desktop, OrbStack or Colima (brew install colima docker docker-compose), or use runtime "native"' };
  }
  const ctx = await runner.run(docker, ['context', 'show'], { timeoutMs: 10_000 });
  const context = ctx.code === 0 ? ctx.stdout.trim() || undefined : undefined;
  const info = await runner.run(docker, ['info', '--format', '{{json .}}'], { timeoutMs: 20_000 });
  if (info.code !== 0) {
    const said = `${info.stderr}\n${info.stdout}`;
    const down = DAEMON_DOWN.test(said);
    return {
      ok: false,
      docker,
      context,
      reason: down ? `the Docker engine is not running (context ${context ?? 'unknown'}): ${firstLine(said, DAEMON_DOWN)}` : `docker info failed: ${firstLine(said)}`,
      fix: down ? START_FIX : 'run docker info in a terminal and fix what it reports',
    };
  }
  let parsed: { ServerVersion?: string; OperatingSystem?: string; Name?: string } = {};
  try {
    parsed = JSON.parse(info.stdout);
  } catch {
    // An older CLI printing something else: the engine answered, which is what matters.
  }
  const compose = await runner.run(docker, ['compose', 'version', '--short'], { timeoutMs: 10_000 });
  const composeVersion = compose.code === 0 ? compose.stdout.trim().replace(/^v/, '') : undefined;
  const engine = engineName(context, parsed.OperatingSystem, parsed.Name);
  if (!composeVersion) {
    return { ok: false, docker, context, engine, serverVersion: parsed.ServerVersion, reason: 'Docker Compose v2 (docker compose) is not installed', fix: 'update Docker Desktop or OrbStack, or brew install docker-compose for Colima' };
  }
  return {
    ok: true,
    docker,
    context,
    engine,
    serverVersion: parsed.ServerVersion,
    composeVersion,
    progressJson: compareVersions(composeVersion, '2.29.0') >= 0,
    detail: `${engine}${context ? ` (context ${context})` : ''}, engine ${parsed.ServerVersion ?? 'unknown'}, Compose ${composeVersion}`,
  };
}

/** The docker CLI the settings name (`docker.binary`), as detectDocker's option. */
export const dockerOverride = (settings: Pick<Settings, 'docker'>): { docker?: string } => (settings.docker.binary ? { docker: settings.docker.binary } : {});

function engineName(context: string | undefined, operatingSystem = '', name = ''): string {
  if (/Docker Desktop/i.test(operatingSystem) || context === 'desktop-linux') return 'Docker Desktop';
  if (/OrbStack/i.test(operatingSystem) || context === 'orbstack') return 'OrbStack';
  if (context?.startsWith('colima') || /colima/i.test(name)) return 'Colima';
  return `Docker Engine${operatingSystem ? ` (${operatingSystem})` : ''}`;
}

function firstLine(text: string, prefer?: RegExp): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return ((prefer && lines.find((l) => prefer.test(l))) ?? lines[0] ?? 'no output').slice(0, 300);
}
