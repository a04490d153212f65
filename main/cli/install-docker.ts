import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { InstallComponentId } from '../../common/install';
import { createCommandRunner } from '../core/adapters/command-runner';
import { formatProgress } from '../core/install/install-many';
import type { Paths } from '../core/paths';
import { COMPOSE_FILE } from '../core/runtime/compose-render';
import { createComposeRuntime, RuntimeError } from '../core/runtime/compose-runtime';
import { detectDocker } from '../core/runtime/docker-detect';
import { createProcessStreamer } from '../core/runtime/process-stream';
import { updateSettingsFile } from '../core/settings/editor';
import type { Settings } from '../core/settings/schema';
import { renderStack } from '../core/stack/render';
import { containerName } from '../core/runtime/container-spawner';
import { SERVICE } from '../core/runtime/compose-file';
import { CliError, EXIT } from './command';
import { loadSettings } from './doctor';

/**
 * `lookout install <components> --runtime docker`: what "install" means for a container — the engine is
 * there, the images are pulled (with progress), and settings say runtime "docker" so Lookout runs them. A
 * running Lookout takes the settings change up by itself; the containers start with the stack.
 */
export async function installDocker(ids: InstallComponentId[], settings: Settings, paths: Paths): Promise<number> {
  const runner = createCommandRunner();
  const found = await detectDocker(runner, settings.docker.binary ? { docker: settings.docker.binary } : {});
  if (!found.ok) {
    process.stderr.write(`docker: ${found.reason}\n       fix: ${found.fix}\n`);
    return EXIT.failure;
  }
  process.stdout.write(`docker: ${found.detail}\n`);
  const result = await updateSettingsFile(
    paths,
    ids.map((id) => ({ path: ['stack', 'components', id, 'runtime'], value: 'docker' })),
    settings,
  );
  if (!result.ok) {
    process.stderr.write(`settings.json refused the change: ${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}\n`);
    return EXIT.failure;
  }
  const next = await loadSettings(paths);
  if (!next.ok) throw new CliError(next.error, EXIT.failure);
  // The project as Lookout will render it, in a private file: only the images matter for a pull.
  const compose = renderStack(next.settings, paths).find((f) => f.path === COMPOSE_FILE);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-pull-'));
  try {
    const file = path.join(dir, COMPOSE_FILE);
    await writeFile(file, compose?.content ?? '');
    const runtime = createComposeRuntime({ streamer: createProcessStreamer(), runner, docker: found.docker!, file, progressJson: found.progressJson ?? false, images: next.settings.docker.images });
    const controller = new AbortController();
    const cancel = () => controller.abort();
    process.once('SIGINT', cancel);
    try {
      await runtime.pull({ signal: controller.signal, onProgress: (e) => process.stdout.write(`${formatProgress(e)}\n`) });
    } finally {
      process.off('SIGINT', cancel);
    }
  } catch (err) {
    const fix = err instanceof RuntimeError ? err.fix : 'run lookout doctor';
    process.stderr.write(`pull failed: ${(err as Error).message}\n       fix: ${fix}\n`);
    return EXIT.failure;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  for (const id of ids) process.stdout.write(`${id.padEnd(13)} runs as container ${containerName(SERVICE[id])} (runtime "docker" in settings.json); it starts with the stack\n`);
  return EXIT.ok;
}
