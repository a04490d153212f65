/**
 * The stack's basic-auth credential: one generated password per Lookout home, kept as a 0600 file in
 * secrets/ (read by Prometheus' scrape and alerting configs as `password_file`, by Grafana through
 * `$__file{}`, and by Lookout itself), and its bcrypt hash in the web config the components load with
 * `--web.config.file`. The password is never in settings, a rendered config or a log line.
 */
import { chmod, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { parse } from 'yaml';
import { writeFileAtomic } from '../atomic-write';
import type { Paths } from '../paths';
import type { CommandRunner } from '../ports';
import { ensureTokenFile } from '../secrets';
import { renderWebConfig } from './web-config';

/** The one user in the web config. */
export const STACK_USER = 'lookout';

/**
 * Cost 10: a check costs the component about 50 ms of CPU, once per connection credential thanks to the
 * exporter-toolkit's cache (it keys on user, hash and password), so a probe every 2 s stays cheap.
 */
const BCRYPT_COST = 10;

/** Where the password lives (0600, dir 0700). */
export const stackPasswordFile = (paths: Pick<Paths, 'secretsDir'>): string => path.join(paths.secretsDir, 'stack-password');

/**
 * The exporter-toolkit web config Prometheus, Alertmanager and node_exporter share. It holds only the
 * bcrypt hash; the components re-read it on every request, so a new password applies without a restart.
 */
export const webConfigFile = (paths: Pick<Paths, 'stackDir'>): string => path.join(paths.stackDir, 'web-config.yml');

/** The password, creating it (32 random bytes, base64url) the first time. */
export async function ensureStackPassword(paths: Pick<Paths, 'secretsDir'>): Promise<string> {
  return ensureTokenFile(stackPasswordFile(paths));
}

/** The password when the file exists, else null (doctor and the CLI read; only a running Lookout creates). */
export async function readStackPassword(paths: Pick<Paths, 'secretsDir'>): Promise<string | null> {
  try {
    return (await readFile(stackPasswordFile(paths), 'utf8')).trim() || null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The hash the web config on disk holds for STACK_USER, or null when there is no usable file. */
async function currentHash(file: string): Promise<string | null> {
  try {
    const doc = parse(await readFile(file, 'utf8')) as { basic_auth_users?: Record<string, unknown> } | null;
    const hash = doc?.basic_auth_users?.[STACK_USER];
    return typeof hash === 'string' ? hash : null;
  } catch {
    return null;
  }
}

export interface EnsureOptions {
  paths: Pick<Paths, 'secretsDir' | 'stackDir'>;
  runner: CommandRunner;
  /** promtool, to validate the web config as the components will read it; null when not installed. */
  promtool: string | null;
}

/**
 * Make sure the password exists and the web config matches it. The file is rewritten only when its hash
 * does not verify the password (bcrypt salts, so a fresh hash would differ every time and look like a
 * change). A web config promtool refuses is an error naming the file and promtool's words.
 */
export async function ensureStackCredentials(opts: EnsureOptions): Promise<{ password: string; webConfig: string }> {
  const password = await ensureStackPassword(opts.paths);
  const file = webConfigFile(opts.paths);
  const hash = await currentHash(file);
  if (!hash || !(await bcrypt.compare(password, hash).catch(() => false))) {
    await mkdir(path.dirname(file), { recursive: true });
    // 0600 although it holds only a hash: offline guessing against it is the one attack it allows.
    await writeFileAtomic(file, renderWebConfig({ [STACK_USER]: await bcrypt.hash(password, BCRYPT_COST) }));
  }
  await chmod(file, 0o600);
  if (opts.promtool) {
    const r = await opts.runner.run(opts.promtool, ['check', 'web-config', file], { timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`promtool refused ${file}: ${`${r.stdout}\n${r.stderr}`.trim()}`);
  }
  return { password, webConfig: file };
}

/**
 * The login for Prometheus' and Alertmanager's own web pages (they ask for one once locked down), for a
 * "Copy password" action like Grafana's: only behind the API gate, by POST, never rendered.
 */
export async function stackLogin(paths: Pick<Paths, 'secretsDir'>): Promise<{ user: string; password: string } | null> {
  const password = await readStackPassword(paths);
  return password ? { user: STACK_USER, password } : null;
}
