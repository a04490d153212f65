/**
 * Creating, listing and pruning backups of a Lookout home (docs/backup.md has the format and the
 * restore steps). One archive holds a consistent TSDB snapshot, settings.json, the rendered configs,
 * Grafana's database, Lookout's telemetry store (through a callback: the running Lookout owns it) and,
 * if asked, the secrets encrypted with a passphrase.
 */
import { randomBytes } from 'node:crypto';
import { access, chmod, copyFile, cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { StackAccess } from '../lockdown/access';
import { attachOf } from '../lockdown/attach';
import type { Paths } from '../paths';
import type { Clock } from '../ports';
import type { Settings } from '../settings/schema';
import { describeFiles, packArchive, readManifest, writeJson } from './archive';
import { archiveName, idOfArchive, MANIFEST_FILE, type Manifest, type ManifestContents } from './manifest';
import { checkPassphrase, encryptSecrets } from './secrets-crypto';
import { copySqliteConsistently } from './sqlite-copy';
import { copyStoppedTsdb, countSeries, readBlocks, snapshotTsdb, tsdbFigures, VERIFY_MARGIN_MS } from './tsdb';

/**
 * Secrets that belong to the running instance rather than to the data: the API token (serve.json and open
 * browser tabs hold it), the webhook token (Lookout's listener holds it in memory) and the stack password
 * (the web config is derived from it at start). Regenerated per home, never backed up or restored.
 */
export const INSTANCE_SECRETS = new Set(['api-token', 'webhook-token', 'stack-password']);

export interface BackupDeps {
  paths: Paths;
  settings: () => Settings;
  access: StackAccess;
  clock: Pick<Clock, 'now'>;
  logger?: Logger;
  lookoutVersion: string;
  /**
   * Write a consistent copy of Lookout's telemetry store into `dir` and return the file names written
   * (relative to dir). The running Lookout owns the DuckDB file; absent, the store is left out with a reason.
   */
  snapshotStore?: (dir: string) => Promise<string[]>;
}

export interface CreateOptions {
  /** Overrides settings.backup.includeSecrets. */
  includeSecrets?: boolean;
  /** Needed when secrets are included. */
  passphrase?: string;
}

/** A backup as `list` shows it. */
export interface BackupInfo {
  id: string;
  file: string;
  created: string;
  sizeBytes: number;
  /** What is in it, or why a part was left out. */
  contents: ManifestContents;
  lookoutVersion: string;
}

/** A backup that could not be read (shown in the list rather than hidden). */
export interface UnreadableBackup {
  id: string;
  file: string;
  sizeBytes: number;
  error: string;
}

/** Where the archives go: settings.backup.dir or <home>/backups, 0700. */
export function backupsDir(settings: Settings, paths: Pick<Paths, 'home'>): string {
  return settings.backup.dir ?? path.join(paths.home, 'backups');
}

const newId = (now: number): string => `${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')}-${randomBytes(2).toString('hex')}`;

const exists = (file: string) => access(file).then(() => true, () => false);
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function pidAlive(pidFile: string): Promise<number | null> {
  try {
    const pid = (JSON.parse(await readFile(pidFile, 'utf8')) as { pid?: unknown }).pid;
    if (typeof pid !== 'number') return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

async function ready(access: StackAccess): Promise<boolean> {
  try {
    const res = await fetch(`${access.baseUrl('prometheus')}/-/ready`, { headers: await access.headers('prometheus'), signal: AbortSignal.timeout(3_000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** The TSDB into staging/prometheus, by snapshot API when Prometheus runs, by copy when it is stopped. */
async function captureTsdb(deps: BackupDeps, staging: string): Promise<ManifestContents['prometheus']> {
  const settings = deps.settings();
  if (!settings.stack.components.prometheus.enabled) return { included: false, reason: 'Prometheus is disabled in settings' };
  if (attachOf(settings, 'prometheus')) return { included: false, reason: 'Prometheus is attached (stack.components.prometheus.attach): its data is not on this machine to back up' };
  const dataDir = deps.paths.dataDir('prometheus');
  const into = path.join(staging, 'prometheus');
  if (await ready(deps.access)) {
    if (!settings.stack.lockdown.enabled) {
      return { included: false, reason: 'the TSDB snapshot needs Prometheus\' admin API, which Lookout enables only with lock-down on (stack.lockdown.enabled)' };
    }
    await snapshotTsdb(deps.access, dataDir, into);
    const figures = tsdbFigures(await readBlocks(into));
    let verify = null;
    if (figures.minTime !== null && figures.maxTime !== null) {
      const end = Math.max(figures.minTime, figures.maxTime - VERIFY_MARGIN_MS);
      verify = { start: figures.minTime, end, series: await countSeries(deps.access, figures.minTime, end) };
    }
    return { included: true, method: 'snapshot-api', ...figures, verify };
  }
  const pid = await pidAlive(deps.paths.pidFile('prometheus'));
  if (pid !== null) throw new Error(`Prometheus (pid ${pid}) is running but not ready; try again once it answers`);
  if (!(await exists(dataDir))) return { included: false, reason: `no TSDB yet (${dataDir} does not exist)` };
  await copyStoppedTsdb(dataDir, into);
  return { included: true, method: 'copy-of-stopped', ...tsdbFigures(await readBlocks(into)), verify: null };
}

async function captureSecrets(deps: BackupDeps, staging: string, opts: CreateOptions): Promise<ManifestContents['secrets']> {
  const include = opts.includeSecrets ?? deps.settings().backup.includeSecrets;
  if (!include) return { included: false, reason: 'excluded (backup.includeSecrets is off)' };
  if (!opts.passphrase) throw new Error('including the secrets needs a passphrase to encrypt them (LOOKOUT_BACKUP_PASSPHRASE, or --passphrase-stdin)');
  checkPassphrase(opts.passphrase);
  const files: Record<string, Buffer> = {};
  for (const e of await readdir(deps.paths.secretsDir, { withFileTypes: true }).catch(() => [])) {
    if (e.isFile() && !INSTANCE_SECRETS.has(e.name) && !e.name.startsWith('.')) files[e.name] = await readFile(path.join(deps.paths.secretsDir, e.name));
  }
  await writeFile(path.join(staging, 'secrets.enc'), await encryptSecrets(files, opts.passphrase), { mode: 0o600 });
  return { included: true, encryption: 'scrypt+aes-256-gcm', files: Object.keys(files).sort() };
}

/** Rendered configs, without validation leftovers. */
async function captureStack(deps: BackupDeps, staging: string): Promise<ManifestContents['stack']> {
  if (!(await exists(deps.paths.stackDir))) return { included: false, reason: 'nothing rendered yet' };
  const into = path.join(staging, 'stack');
  await cp(deps.paths.stackDir, into, { recursive: true, filter: (src) => !path.basename(src).startsWith('.staging-') });
  let files = 0;
  const count = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.isDirectory()) await count(path.join(dir, e.name));
      else files++;
    }
  };
  await count(into);
  return { included: true, files };
}

/**
 * Make one backup: capture every part into a staging dir in the home (same filesystem as the TSDB, so its
 * snapshot is moved, not copied), write the manifest with every file's size and sha256, pack it into
 * `<dir>/lookout-<id>.tar.gz` (0600, dir 0700), remove the staging dir.
 */
export async function createBackup(deps: BackupDeps, opts: CreateOptions = {}): Promise<BackupInfo> {
  const settings = deps.settings();
  const dir = backupsDir(settings, deps.paths);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const created = deps.clock.now();
  const id = newId(created);
  const staging = path.join(deps.paths.home, `.backup-staging-${id}`);
  await mkdir(staging, { mode: 0o700 });
  try {
    const secrets = await captureSecrets(deps, staging, opts);
    const prometheus = await captureTsdb(deps, staging);
    let settingsPart: ManifestContents['settings'] = { included: false, reason: 'no settings.json (the defaults apply)' };
    if (await exists(deps.paths.settings)) {
      await copyFile(deps.paths.settings, path.join(staging, 'settings.json'));
      settingsPart = { included: true };
    }
    const stack = await captureStack(deps, staging);
    const grafanaDb = path.join(deps.paths.dataDir('grafana'), 'grafana.db');
    let grafana: ManifestContents['grafana'] = { included: false, reason: `no Grafana database (${grafanaDb})` };
    if (await exists(grafanaDb)) {
      await mkdir(path.join(staging, 'grafana'));
      await copySqliteConsistently(grafanaDb, path.join(staging, 'grafana', 'grafana.db'));
      grafana = { included: true };
    }
    let telemetry: ManifestContents['telemetry'] = { included: false, reason: 'the telemetry store is not connected to backups in this Lookout' };
    if (deps.snapshotStore) {
      const into = path.join(staging, 'telemetry');
      await mkdir(into);
      const files = await deps.snapshotStore(into);
      telemetry = files.length ? { included: true, files } : { included: false, reason: 'the telemetry store wrote nothing' };
      if (!files.length) await rm(into, { recursive: true, force: true });
    }
    const manifest: Manifest = {
      format: 'lookout-backup',
      version: 1,
      id,
      created: new Date(created).toISOString(),
      lookoutVersion: deps.lookoutVersion,
      contents: { settings: settingsPart, stack, prometheus, grafana, telemetry, secrets },
      files: await describeFiles(staging),
    };
    await writeJson(path.join(staging, MANIFEST_FILE), manifest);
    const file = path.join(dir, archiveName(id));
    await packArchive(staging, file);
    deps.logger?.info({ id, file, bytes: (await stat(file)).size }, 'backup created');
    return { id, file, created: manifest.created, sizeBytes: (await stat(file)).size, contents: manifest.contents, lookoutVersion: manifest.lookoutVersion };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The backups in the backups dir, newest first; ones whose manifest cannot be read are listed apart. */
export async function listBackups(deps: Pick<BackupDeps, 'paths' | 'settings'>): Promise<{ backups: BackupInfo[]; unreadable: UnreadableBackup[]; dir: string }> {
  const dir = backupsDir(deps.settings(), deps.paths);
  const backups: BackupInfo[] = [];
  const unreadable: UnreadableBackup[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const id = idOfArchive(name);
    if (!id) continue;
    const file = path.join(dir, name);
    const sizeBytes = (await stat(file).catch(() => null))?.size ?? 0;
    try {
      const m = await readManifest(file);
      backups.push({ id, file, created: m.created, sizeBytes, contents: m.contents, lookoutVersion: m.lookoutVersion });
    } catch (err) {
      unreadable.push({ id, file, sizeBytes, error: message(err) });
    }
  }
  // Ids start with the UTC time, so they sort like their creation times.
  const newestFirst = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  return { backups: backups.sort(newestFirst), unreadable: unreadable.sort(newestFirst), dir };
}

/** Delete all but the newest `keep` backups (settings.backup.keep by default); unreadable ones are left for the user. */
export async function pruneBackups(deps: Pick<BackupDeps, 'paths' | 'settings' | 'logger'>, keep = deps.settings().backup.keep): Promise<{ kept: string[]; deleted: string[] }> {
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`keep must be a whole number of at least 1 (got ${keep})`);
  const { backups } = await listBackups(deps);
  const deleted: string[] = [];
  for (const b of backups.slice(keep)) {
    await rm(b.file, { force: true });
    deleted.push(b.id);
  }
  if (deleted.length) deps.logger?.info({ deleted }, 'old backups pruned');
  return { kept: backups.slice(0, keep).map((b) => b.id), deleted };
}
