/**
 * Restoring a backup, so that a failed restore leaves the previous state running:
 *
 *   verify (unpack into a staging dir in the home, every checksum against the manifest, decrypt the
 *   secrets) ─ nothing outside the staging dir has been touched yet; a bad archive stops here
 *   → stop what must be stopped (Prometheus, and Grafana when its database or secrets change)
 *   → move the current data aside (renames, same filesystem)  → put the archive's data in place
 *   → start Prometheus (and Grafana if it ran) → verify: Prometheus ready and counting the series the
 *     manifest recorded → settings.json, the telemetry store → delete what was moved aside.
 *
 * Any failure after the first stop: stop again, put every moved-aside thing back, start what ran before,
 * and throw RestoreError saying so.
 */
import { randomBytes } from 'node:crypto';
import { access, chmod, copyFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ComponentId, ComponentStatus } from '../../../common/model';
import { writeFileAtomic } from '../atomic-write';
import { attachOf } from '../lockdown/attach';
import { unpackVerified } from './archive';
import { backupsDir, INSTANCE_SECRETS, type BackupDeps } from './backups';
import { archiveName, BACKUP_ID, type Manifest } from './manifest';
import { decryptSecrets } from './secrets-crypto';
import { countSeries } from './tsdb';

/** What restore needs of the running stack: its state, and stop/start by id (the core's stack handlers, or the API client). */
export interface StackControl {
  status(): Promise<ComponentStatus[]>;
  stop(ids: ComponentId[]): Promise<void>;
  start(ids: ComponentId[]): Promise<void>;
}

/** StackControl over anything shaped like the contract's stack calls (core.handlers or the HTTP API client). */
export function stackControlFrom(api: {
  get(req: Record<string, never>): Promise<{ components: ComponentStatus[] }>;
  start(req: { components?: ComponentId[] }): Promise<unknown>;
  stop(req: { components?: ComponentId[] }): Promise<unknown>;
}): StackControl {
  return {
    status: async () => (await api.get({})).components,
    stop: async (ids) => void (ids.length ? await api.stop({ components: ids }) : undefined),
    start: async (ids) => void (ids.length ? await api.start({ components: ids }) : undefined),
  };
}

export interface RestoreDeps extends Pick<BackupDeps, 'paths' | 'settings' | 'access' | 'logger'> {
  stack: StackControl;
  /** Put the telemetry store's files (in dir) back; the running Lookout owns the store. Absent: it is not restored. */
  restoreStore?: (dir: string, files: string[]) => Promise<void>;
  /** How long the restored Prometheus may take to be ready and answer (a big TSDB loads for a while). */
  verifyTimeoutMs?: number;
}

export interface RestoreOptions {
  /** Decrypts the secrets in the archive; without it the current secrets stay. */
  passphrase?: string;
}

export interface RestoreResult {
  id: string;
  restored: string[];
  skipped: Array<{ what: string; reason: string }>;
  /** The series count the restored Prometheus gave over the manifest's window, beside the recorded one. */
  verified: { series: number; expected: number } | null;
  durationMs: number;
}

/** The restore did not complete; `rolledBack` says whether the previous state was put back (it always is unless that failed too). */
export class RestoreError extends Error {
  override readonly name = 'RestoreError';
  constructor(
    message: string,
    readonly rolledBack: boolean,
  ) {
    super(message);
  }
}

const LIVE = new Set(['starting', 'running', 'unhealthy']);
const exists = (file: string) => access(file).then(() => true, () => false);
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function restoreBackup(deps: RestoreDeps, id: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
  const t0 = Date.now();
  if (!BACKUP_ID.test(id)) throw new Error(`not a backup id: ${id} (they look like 20250101T120000Z-ab12; see lookout backup list)`);
  const settings = deps.settings();
  const file = path.join(backupsDir(settings, deps.paths), archiveName(id));
  if (!(await exists(file))) throw new Error(`no backup ${id} (${file} does not exist)`);

  // 1. Verify, into a staging dir beside the data (renames into place stay on one filesystem).
  const staging = path.join(deps.paths.home, `.restore-${id}-${randomBytes(3).toString('hex')}`);
  const manifest = await unpackVerified(file, staging);
  const restored: string[] = [];
  const skipped: RestoreResult['skipped'] = [];
  try {
    let secrets: Record<string, Buffer> | null = null;
    if (manifest.contents.secrets.included) {
      if (opts.passphrase) {
        secrets = await decryptSecrets(await readFile(path.join(staging, 'secrets.enc')), opts.passphrase);
        for (const name of Object.keys(secrets)) if (INSTANCE_SECRETS.has(name) || !/^[\w.-]+$/.test(name)) delete secrets[name];
      } else skipped.push({ what: 'secrets', reason: 'no passphrase given: the current secrets stay' });
    }
    const c = manifest.contents;
    const tsdb = c.prometheus.included && settings.stack.components.prometheus.enabled && !attachOf(settings, 'prometheus');
    if (c.prometheus.included && !tsdb) skipped.push({ what: 'prometheus', reason: 'Prometheus is disabled or attached in the settings in force' });
    if (!c.prometheus.included) skipped.push({ what: 'prometheus', reason: `not in the backup: ${c.prometheus.reason}` });
    const grafanaDb = c.grafana.included;
    if (c.telemetry.included && !deps.restoreStore) skipped.push({ what: 'telemetry', reason: 'this Lookout cannot restore its telemetry store yet' });

    return await swap(deps, { id, manifest, staging, tsdb, grafanaDb, secrets, restored, skipped, t0 });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

interface SwapPlan {
  id: string;
  manifest: Manifest;
  staging: string;
  tsdb: boolean;
  grafanaDb: boolean;
  secrets: Record<string, Buffer> | null;
  restored: string[];
  skipped: RestoreResult['skipped'];
  t0: number;
}

async function swap(deps: RestoreDeps, plan: SwapPlan): Promise<RestoreResult> {
  const { paths } = deps;
  const settings = deps.settings();
  const suffix = `.before-restore-${plan.id}`;
  const before = await deps.stack.status();
  const wasLive = (id: ComponentId) => before.some((s) => s.id === id && LIVE.has(s.state));
  const grafanaTouched = (plan.grafanaDb || plan.secrets !== null) && settings.stack.components.grafana.enabled;
  const toStop: ComponentId[] = [...(plan.tsdb ? (['prometheus'] as const) : []), ...(grafanaTouched ? (['grafana'] as const) : [])];
  // Prometheus starts after a restore whether it ran or not: its data must be shown to have loaded.
  const toStart: ComponentId[] = [...(plan.tsdb ? (['prometheus'] as const) : []), ...(grafanaTouched && wasLive('grafana') ? (['grafana'] as const) : [])];
  const liveBefore = toStop.filter(wasLive);

  /** Undo steps, newest first. */
  const undo: Array<() => Promise<void>> = [];
  const moveAside = async (live: string) => {
    if (!(await exists(live))) {
      undo.unshift(() => rm(live, { recursive: true, force: true }));
      return;
    }
    const aside = `${live}${suffix}`;
    await rm(aside, { recursive: true, force: true });
    await rename(live, aside);
    undo.unshift(async () => {
      await rm(live, { recursive: true, force: true });
      await rename(aside, live);
    });
  };
  const asideFiles: string[] = [];

  let verified: RestoreResult['verified'] = null;
  try {
    // 2. Stop what reads the data.
    await deps.stack.stop(toStop);
    // 3–4. Move aside, put in place.
    if (plan.tsdb) {
      const dataDir = paths.dataDir('prometheus');
      await mkdir(path.dirname(dataDir), { recursive: true });
      await moveAside(dataDir);
      asideFiles.push(`${dataDir}${suffix}`);
      await rename(path.join(plan.staging, 'prometheus'), dataDir);
      plan.restored.push('prometheus');
    }
    if (plan.grafanaDb) {
      const db = path.join(paths.dataDir('grafana'), 'grafana.db');
      await mkdir(path.dirname(db), { recursive: true });
      await moveAside(db);
      asideFiles.push(`${db}${suffix}`);
      await copyFile(path.join(plan.staging, 'grafana', 'grafana.db'), db);
      await chmod(db, 0o640);
      plan.restored.push('grafana');
    }
    if (plan.secrets) {
      await mkdir(paths.secretsDir, { recursive: true, mode: 0o700 });
      for (const [name, content] of Object.entries(plan.secrets)) {
        const target = path.join(paths.secretsDir, name);
        await moveAside(target);
        asideFiles.push(`${target}${suffix}`);
        await writeFileAtomic(target, content, 0o600);
      }
      plan.restored.push('secrets');
    }
    // 5. Start, 6. verify.
    await deps.stack.start(toStart);
    if (plan.tsdb) verified = await verifyPrometheus(deps, plan.manifest);
    // 7. Settings last: they may restart components, which must not happen under the verification.
    if (plan.manifest.contents.settings.included) {
      const text = await readFile(path.join(plan.staging, 'settings.json'));
      const previous = await readFile(paths.settings).catch(() => null);
      await writeFileAtomic(paths.settings, text);
      undo.unshift(async () => (previous ? writeFileAtomic(paths.settings, previous) : rm(paths.settings, { force: true })));
      plan.restored.push('settings');
    }
    if (plan.manifest.contents.telemetry.included && deps.restoreStore) {
      await deps.restoreStore(path.join(plan.staging, 'telemetry'), plan.manifest.contents.telemetry.files);
      plan.restored.push('telemetry');
    }
  } catch (err) {
    const reason = message(err);
    deps.logger?.error({ id: plan.id, err: reason }, 'restore failed; putting the previous state back');
    try {
      await deps.stack.stop(toStop);
      for (const step of undo) await step();
      await deps.stack.start(liveBefore);
    } catch (rollbackErr) {
      throw new RestoreError(`restoring ${plan.id} failed (${reason}), and putting the previous state back failed too: ${message(rollbackErr)}. The previous data is in the *${suffix} files and dirs.`, false);
    }
    throw new RestoreError(`restoring ${plan.id} failed: ${reason}. The previous data is back in place${liveBefore.length ? ` and ${liveBefore.join(', ')} running again` : ''}.`, true);
  }
  // 8. Done: what was moved aside goes.
  for (const aside of asideFiles) await rm(aside, { recursive: true, force: true });
  deps.logger?.info({ id: plan.id, restored: plan.restored }, 'backup restored');
  return { id: plan.id, restored: plan.restored, skipped: plan.skipped, verified, durationMs: Date.now() - plan.t0 };
}

/** The restored Prometheus runs and counts the series the manifest recorded over the same window. */
async function verifyPrometheus(deps: RestoreDeps, manifest: Manifest): Promise<RestoreResult['verified']> {
  const p = manifest.contents.prometheus;
  const deadline = Date.now() + (deps.verifyTimeoutMs ?? 120_000);
  for (;;) {
    const state = (await deps.stack.status()).find((s) => s.id === 'prometheus');
    if (state?.state === 'running') break;
    if (state?.state === 'failed' || state?.state === 'not-installed') throw new Error(`the restored Prometheus did not start: ${state.lastError ?? state.state}`);
    if (Date.now() > deadline) throw new Error(`the restored Prometheus was not ready within ${(deps.verifyTimeoutMs ?? 120_000) / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!p.included || !p.verify) return null;
  const series = await countSeries(deps.access, p.verify.start, p.verify.end);
  if (series !== p.verify.series) {
    throw new Error(
      `the restored Prometheus has ${series} series between ${new Date(p.verify.start).toISOString()} and ${new Date(p.verify.end).toISOString()}, the backup recorded ${p.verify.series}` +
        ' (data older than stack.retention.time is deleted when Prometheus starts)',
    );
  }
  return { series, expected: p.verify.series };
}
