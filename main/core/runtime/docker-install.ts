import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { InstallComponentId, InstallProgress } from '../../../common/install';
import type { Paths } from '../paths';
import type { CommandRunner } from '../ports';
import { updateSettingsFile } from '../settings/editor';
import { settingsSchema, type Settings } from '../settings/schema';
import { renderStack } from '../stack/render';
import { COMPOSE_FILE } from './compose-render';
import { createComposeRuntime, RuntimeError } from './compose-runtime';
import { detectDocker, dockerOverride, type DockerDetection } from './docker-detect';
import { createProcessStreamer } from './process-stream';

export interface DockerInstallOptions {
  paths: Paths;
  runner: CommandRunner;
  settings: Settings;
  onProgress?(e: InstallProgress): void;
  signal?: AbortSignal;
}

/**
 * What "install" means for a container: the engine answers, settings say runtime "docker" for these
 * components (a running Lookout takes that up by itself and runs them from its next start), and their
 * images are pulled with byte progress. Throws RuntimeError with the fix (no engine, a pull that failed);
 * settings change only once the engine has answered.
 */
export async function installWithDocker(ids: InstallComponentId[], opts: DockerInstallOptions): Promise<DockerDetection> {
  const found = await detectDocker(opts.runner, dockerOverride(opts.settings));
  if (!found.ok) throw new RuntimeError(`docker: ${found.reason}`, found.fix ?? 'install Docker Desktop, OrbStack or Colima');
  const result = await updateSettingsFile(opts.paths, ids.map((id) => ({ path: ['stack', 'components', id, 'runtime'], value: 'docker' })), opts.settings);
  if (!result.ok) throw new RuntimeError(`settings.json refused the change: ${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, 'correct settings.json, then try again');
  const next = settingsSchema.parse(result.settings);
  // The project as Lookout renders it, in a private file: only the images matter for a pull.
  const compose = renderStack(next, opts.paths).find((f) => f.path === COMPOSE_FILE);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-pull-'));
  try {
    const file = path.join(dir, COMPOSE_FILE);
    await writeFile(file, compose?.content ?? '');
    const runtime = createComposeRuntime({ streamer: createProcessStreamer(), runner: opts.runner, docker: found.docker!, file, progressJson: found.progressJson ?? false, images: next.docker.images });
    await runtime.pull({ signal: opts.signal, onProgress: opts.onProgress });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return found;
}
