import type { Paths } from '../paths';
import type { CommandRunner } from '../ports';
import type { Settings } from '../settings/schema';
import { findBinary, findTool, type BinarySearch } from '../stack/binaries';
import { spec } from '../stack/catalog';
import { ensureStackCredentials } from './credentials';

/**
 * ensureStackCredentials with promtool found the way the stack finds it (beside the Prometheus in use),
 * so the web config is validated by the same version that will read it.
 */
export async function ensureStackCredentialsFor(opts: {
  paths: Pick<Paths, 'secretsDir' | 'stackDir'>;
  settings: Settings;
  runner: CommandRunner;
  search: Omit<BinarySearch, 'override'>;
}): Promise<{ password: string; webConfig: string }> {
  const prometheus = await findBinary(spec('prometheus').binaries, { ...opts.search, override: opts.settings.stack.components.prometheus.binary });
  const promtool = prometheus ? await findTool('promtool', prometheus, opts.search) : null;
  return ensureStackCredentials({ paths: opts.paths, runner: opts.runner, promtool });
}
