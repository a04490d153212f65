import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ComponentId } from '../../../common/model';
import type { Paths } from '../paths';
import type { CommandRunner } from '../ports';
import type { Settings } from '../settings/schema';
import type { RenderedFile } from './component-spec';
import { componentOf, renderStack } from './render';
import { installAdvice, toolNotFound, type InstallCommands } from '../missing-tool';


/** A rendered config that a validator rejected, or that cannot be validated. The live files are untouched. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    /** The rejected file relative to the stack dir, or null when the problem is not one file (a missing tool). */
    readonly file: string | null,
    /** The validator's own output, trimmed; empty when no tool ran. */
    readonly output: string,
  ) {
    super(message);
  }
}

/**
 * The disk refused the rendered configs (permissions, a full or read-only disk): nothing is wrong with
 * the settings, so the render is tried again once the condition clears. The live files are untouched.
 */
export class ConfigWriteError extends ConfigError {
  constructor(cause: NodeJS.ErrnoException) {
    super(`cannot write the rendered configs${cause.path ? ` (${cause.path})` : ''}: ${cause.code ?? ''} ${describeErrno(cause)}`.replace(/\s+/g, ' ').trim(), cause.path ?? null, '');
  }
}

function describeErrno(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: make the Lookout home writable by you again';
    case 'ENOSPC':
      return 'the disk is full: free some space';
    case 'EROFS':
      return 'the filesystem is read-only';
    default:
      return err.message;
  }
}

/** Validators found for this stack; null when not installed. */
export interface ConfigTools {
  promtool: string | null;
  amtool: string | null;
}

export interface ConfigOptions {
  settings: Settings;
  paths: Paths;
  runner: CommandRunner;
  tools: ConfigTools;
  /**
   * Files staged and validated together with the rendered ones, relative to the stack dir (alert rules
   * produced elsewhere go under rules/). Validation covers them exactly like rendered files.
   */
  extraFiles?: RenderedFile[];
  /** Whose install advice a missing validator gets (tests and `doctor` pass it); this machine's by default. */
  platform?: NodeJS.Platform;
}

const TOOL_TIMEOUT_MS = 30_000;
const STAGING_PREFIX = '.staging-';
/** A staging dir older than this is debris from a crash, not a concurrent apply. */
const STALE_STAGING_MS = 10 * 60_000;
const MAX_OUTPUT_CHARS = 4_000;

/** Each validator ships with its component: installing that installs the tool. */
const INSTALL_WITH: Record<keyof ConfigTools, InstallCommands> = {
  promtool: { brew: 'brew install prometheus', apt: 'apt-get install prometheus' },
  amtool: { brew: 'brew install alertmanager', apt: 'apt-get install prometheus-alertmanager' },
};

/** Keep what explains a failure: drop blank lines, SUCCESS lines, bare "FAILED:" and "Checking <file>" headers. */
function toolOutput(r: { stdout: string; stderr: string }): string {
  const lines = `${r.stderr}\n${r.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== 'FAILED:' && !/^SUCCESS\b/.test(l) && !/^Checking \S+$/.test(l));
  const text = lines.join('\n');
  return text.length > MAX_OUTPUT_CHARS ? `${text.slice(0, MAX_OUTPUT_CHARS)}…` : text;
}

/** Extra files come from other modules: keep them inside the stack dir and from silently replacing a rendered file. */
function checkPaths(files: RenderedFile[]): void {
  const seen = new Set<string>();
  for (const f of files) {
    const normal = path.posix.normalize(f.path);
    if (path.posix.isAbsolute(normal) || normal.startsWith('..') || normal !== f.path) throw new Error(`config file path must be relative and normalised: ${f.path}`);
    if (seen.has(f.path)) throw new Error(`config file rendered twice: ${f.path}`);
    seen.add(f.path);
  }
}

async function writeTree(dir: string, files: RenderedFile[]): Promise<void> {
  await fs.mkdir(path.join(dir, 'rules'), { recursive: true });
  for (const f of files) {
    const target = path.join(dir, f.path);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, f.content, { mode: 0o644 });
  }
}

/** Run one validator in `dir` with a relative file name, so its messages read "rules/x.yml: 5:15: ..." rather than a temp path. */
async function validate(dir: string, opts: ConfigOptions, tool: keyof ConfigTools, args: string[], file: string, enabled: boolean): Promise<void> {
  const binary = opts.tools[tool];
  if (!binary) {
    if (!enabled) return;
    throw new ConfigError(toolNotFound(tool, { install: installAdvice(INSTALL_WITH[tool], opts.platform) }), null, '');
  }
  const r = await opts.runner.run(binary, [...args, file], { cwd: dir, timeoutMs: TOOL_TIMEOUT_MS });
  if (r.code === 0) return;
  const output = toolOutput(r) || `exit code ${r.code}`;
  // promtool checks rule files through prometheus.yml: name the rule file when it is the culprit.
  const culprit = /(rules\/[^\s:'"]+):/.exec(output)?.[1] ?? file;
  throw new ConfigError(`${tool} rejected ${culprit}:\n${output}`, culprit, output);
}

/** Write the files into `dir` (mirroring the stack layout) and run promtool and amtool on them. Throws ConfigError. */
export async function stageConfig(dir: string, files: RenderedFile[], opts: ConfigOptions): Promise<void> {
  checkPaths(files);
  await writeTree(dir, files);
  const c = opts.settings.stack.components;
  await validate(dir, opts, 'promtool', ['check', 'config'], 'prometheus.yml', c.prometheus.enabled);
  await validate(dir, opts, 'amtool', ['check-config'], 'alertmanager.yml', c.alertmanager.enabled);
}

const allFiles = async (opts: ConfigOptions): Promise<RenderedFile[]> => [
  ...renderStack(opts.settings, opts.paths),
  ...(await userRuleFiles(opts.settings)),
  ...(opts.extraFiles ?? []),
];

/**
 * The user's own rule files (settings stack.ruleFiles), copied in so promtool checks them with the rest
 * and Prometheus loads them from the one rules/ dir. An unreadable file is a ConfigError naming the setting.
 */
async function userRuleFiles(settings: Settings): Promise<RenderedFile[]> {
  return Promise.all(
    settings.stack.ruleFiles.map(async (file, i) => {
      try {
        const content = await fs.readFile(file, 'utf8');
        return { path: `rules/user-${i + 1}-${path.basename(file).replace(/[^\w.-]/g, '_')}`, content };
      } catch (err) {
        throw new ConfigError(`stack.ruleFiles[${i}]: cannot read ${file}: ${(err as Error).message}`, null, '');
      }
    }),
  );
}

/** Render and validate in a private temp dir, never touching the live stack dir (the doctor's check). Throws ConfigError. */
export async function validateConfig(opts: ConfigOptions): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lookout-config-'));
  try {
    await stageConfig(dir, await allFiles(opts), opts);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function readOrNull(file: string): Promise<string | null> {
  return fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
}

async function removeStaleStaging(stackDir: string): Promise<void> {
  const entries = await fs.readdir(stackDir).catch(() => [] as string[]);
  for (const name of entries.filter((n) => n.startsWith(STAGING_PREFIX))) {
    const dir = path.join(stackDir, name);
    const st = await fs.stat(dir).catch(() => null);
    if (st && Date.now() - st.mtimeMs > STALE_STAGING_MS) await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Render the stack's configs and put them in place only if the validators accept them, so a running
 * component is never pointed at a bad config.
 *
 * Render → write into a fresh staging dir inside the stack dir (same filesystem, so rename is atomic) →
 * `promtool check config` and `amtool check-config` → on failure throw ConfigError and leave the live files
 * untouched → on success rename each changed file into place, delete rule files no longer rendered, and
 * report which components' files changed (the caller reloads those).
 */
export async function applyConfig(opts: ConfigOptions): Promise<{ changed: Set<ComponentId> }> {
  const files = await allFiles(opts);
  try {
    return await putInPlace(opts, files);
  } catch (err) {
    // A validator's rejection is a ConfigError already; anything with an errno is the disk saying no.
    if (err instanceof ConfigError || typeof (err as NodeJS.ErrnoException).code !== 'string') throw err;
    throw new ConfigWriteError(err as NodeJS.ErrnoException);
  }
}

async function putInPlace(opts: ConfigOptions, files: RenderedFile[]): Promise<{ changed: Set<ComponentId> }> {
  const { stackDir } = opts.paths;
  await fs.mkdir(stackDir, { recursive: true });
  await removeStaleStaging(stackDir);
  const staging = await fs.mkdtemp(path.join(stackDir, STAGING_PREFIX));
  const changed = new Set<ComponentId>();
  const mark = (file: string) => {
    const id = componentOf(file);
    if (id) changed.add(id);
  };
  try {
    await stageConfig(staging, files, opts);
    // Rule files first: a Prometheus that restarts mid-way then finds the new rules rather than a config naming missing ones.
    const ordered = [...files].sort((a, b) => Number(!a.path.startsWith('rules/')) - Number(!b.path.startsWith('rules/')));
    for (const f of ordered) {
      const live = path.join(stackDir, f.path);
      if ((await readOrNull(live)) === f.content) continue;
      await fs.mkdir(path.dirname(live), { recursive: true });
      await fs.rename(path.join(staging, f.path), live);
      mark(f.path);
    }
    const wanted = new Set(files.filter((f) => f.path.startsWith('rules/')).map((f) => f.path));
    for (const entry of await fs.readdir(opts.paths.rulesDir, { withFileTypes: true }).catch(() => [])) {
      const rel = `rules/${entry.name}`;
      if (entry.isDirectory() || wanted.has(rel)) continue;
      await fs.rm(path.join(opts.paths.rulesDir, entry.name), { force: true });
      mark(rel);
    }
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
  return { changed };
}
