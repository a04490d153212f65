import type { InstallComponentId } from '../../common/install';
import { createCommandRunner } from '../core/adapters/command-runner';
import { formatProgress } from '../core/install/install-many';
import type { Paths } from '../core/paths';
import { SERVICE } from '../core/runtime/compose-file';
import { RuntimeError } from '../core/runtime/compose-runtime';
import { containerName } from '../core/runtime/container-spawner';
import { installWithDocker } from '../core/runtime/docker-install';
import type { Settings } from '../core/settings/schema';
import { EXIT } from './command';

/** `lookout install <components> --runtime docker` (main/core/runtime/docker-install.ts), with Ctrl-C to cancel the pull. */
export async function installDocker(ids: InstallComponentId[], settings: Settings, paths: Paths): Promise<number> {
  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.once('SIGINT', cancel);
  try {
    const found = await installWithDocker(ids, { paths, runner: createCommandRunner(), settings, signal: controller.signal, onProgress: (e) => process.stdout.write(`${formatProgress(e)}\n`) });
    process.stdout.write(`docker: ${found.detail}\n`);
  } catch (err) {
    const fix = err instanceof RuntimeError ? err.fix : 'run lookout doctor';
    process.stderr.write(`${(err as Error).message}\n       fix: ${fix}\n`);
    return EXIT.failure;
  } finally {
    process.off('SIGINT', cancel);
  }
  for (const id of ids) process.stdout.write(`${id.padEnd(13)} runs as container ${containerName(SERVICE[id])} (runtime "docker" in settings.json); it starts with the stack\n`);
  return EXIT.ok;
}
