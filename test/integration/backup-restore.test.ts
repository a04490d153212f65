/**
 * Backup and restore against the real Prometheus (locked down, so its admin API is there behind the
 * credential): a TSDB of known content made by promtool, a backup, a wipe, a restore → the same series
 * and samples, counted through the API. A corrupted or truncated archive is refused with nothing changed;
 * a backup whose TSDB Prometheus cannot open is rolled back, leaving the previous data running.
 * Also: Grafana's database (a real SQLite file) and the secrets (encrypted with a passphrase) round-trip.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../main/core/core';
import { describeFiles, listFiles, packArchive, unpackVerified, writeJson } from '../../main/core/backup/archive';
import { createBackup, listBackups, pruneBackups, type BackupDeps } from '../../main/core/backup/backups';
import { archiveName, MANIFEST_FILE, type Manifest } from '../../main/core/backup/manifest';
import { restoreBackup, RestoreError, stackControlFrom, type RestoreDeps } from '../../main/core/backup/restore';
import { createStackAccess } from '../../main/core/lockdown/access';
import { settingsSchema } from '../../main/core/settings/schema';
import { startCore } from '../support/core';
import { stackAuthHeaders } from '../support/stack-auth';
import { makeHome, waitFor, type TestHome } from '../support/stack-env';
import { countFixture, expectedFixture, makeTsdb, type TsdbFixture } from '../support/tsdb-fixture';

const run = promisify(execFile);
const sqlite = (db: string, sql: string) => run('sqlite3', [db, sql]).then((r) => r.stdout.trim());

describe('backup and restore of a real Prometheus TSDB', () => {
  let env: TestHome;
  let core: Core;
  let fixture: TsdbFixture;
  let auth: Record<string, string>;
  let backupDeps: BackupDeps;
  let restoreDeps: RestoreDeps;
  let backupId: string;
  const passphrase = 'correct horse battery staple';
  const prom = () => `http://127.0.0.1:${env.ports.prometheus}`;
  const counts = () => countFixture(prom(), auth, fixture);
  const grafanaDb = () => path.join(env.home, 'data', 'grafana', 'grafana.db');
  const slackFile = () => path.join(env.home, 'secrets', 'slack-url');
  const prometheusPid = async () => (await core.handlers['stack:get']({})).components.find((c) => c.id === 'prometheus')!.pid;

  /**
   * The TSDB dir's inode: a restore replaces the dir (a rename), a rollback renames the same dir back, so an
   * equal inode means the data in use is the data that was there. (Its contents change on their own: WAL,
   * head chunks, compaction.)
   */
  const tsdbListing = async (): Promise<number> => (await stat(path.join(env.home, 'data', 'prometheus'))).ino;

  beforeAll(async () => {
    env = await makeHome();
    env.settings = { ...env.settings, stack: { ...env.settings.stack, lockdown: { enabled: true } } };
    await env.writeSettings(env.settings);
    // 50 series × 1440 samples (6 h at 15 s): 72,000 samples of known values, in blocks Prometheus loads at start.
    fixture = await makeTsdb(path.join(env.home, 'data', 'prometheus'), { series: 50, samplesPerSeries: 1440, stepSeconds: 15 });
    await mkdir(path.dirname(grafanaDb()), { recursive: true });
    await sqlite(grafanaDb(), "CREATE TABLE dashboard (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO dashboard (title) VALUES ('kept'), ('by'), ('backup');");
    await mkdir(path.dirname(slackFile()), { recursive: true, mode: 0o700 });
    await writeFile(slackFile(), 'https://hooks.slack.com/services/T000/B000/original', { mode: 0o600 });
    // Short backoff, so a Prometheus that cannot open its TSDB is declared failed within seconds.
    core = await startCore(env.home, { backoffBaseMs: 100, backoffMaxMs: 300, maxRestarts: 2 });
    auth = await stackAuthHeaders(env.home);
    const settings = () => settingsSchema.parse(env.settings);
    const access = createStackAccess({ paths: core.paths, settings });
    backupDeps = { paths: core.paths, settings, access, clock: { now: () => Date.now() }, lookoutVersion: 'test' };
    const h = core.handlers;
    restoreDeps = {
      paths: core.paths,
      settings,
      access,
      stack: stackControlFrom({ get: (r) => h['stack:get'](r), start: (r) => h['stack:start'](r), stop: (r) => h['stack:stop'](r) }),
      verifyTimeoutMs: 30_000,
    };
    const snap = await h['stack:start']({});
    expect(snap.components.every((c) => c.state === 'running')).toBe(true);
  });
  afterAll(async () => {
    await core?.dispose({ stopStack: true });
    await env?.cleanup();
  });

  it('the fixture is in Prometheus: every series and sample counted through the API', async () => {
    expect(await counts()).toEqual(expectedFixture(fixture));
    console.log(`fixture: ${JSON.stringify(expectedFixture(fixture))}`);
  });

  it('creates one archive (0600 in a 0700 dir) with a manifest, the snapshot, settings, configs, Grafana and the encrypted secrets', async () => {
    await expect(createBackup(backupDeps, { includeSecrets: true })).rejects.toThrow(/needs a passphrase/);
    const t0 = performance.now();
    const info = await createBackup(backupDeps, { includeSecrets: true, passphrase });
    const ms = performance.now() - t0;
    backupId = info.id;
    expect((await stat(info.file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(info.file))).mode & 0o777).toBe(0o700);
    const p = info.contents.prometheus;
    expect(p).toMatchObject({ included: true, method: 'snapshot-api' });
    if (!p.included) throw new Error('no TSDB');
    expect(p.samples).toBeGreaterThanOrEqual(72_000);
    expect(p.verify!.series).toBeGreaterThanOrEqual(50);
    expect(info.contents.secrets).toEqual({ included: true, encryption: 'scrypt+aes-256-gcm', files: expect.arrayContaining(['slack-url', 'grafana-admin-password', 'grafana-secret-key']) });
    // Instance secrets never travel: the API token, the webhook token, the stack password.
    if (info.contents.secrets.included) for (const f of ['api-token', 'webhook-token', 'stack-password']) expect(info.contents.secrets.files).not.toContain(f);
    expect(info.contents.grafana.included).toBe(true);
    expect(info.contents.settings.included).toBe(true);
    expect(info.contents.telemetry).toEqual({ included: false, reason: expect.any(String) });
    // No secret in the clear anywhere in the archive.
    const dir = path.join(env.home, '.inspect');
    const manifest = await unpackVerified(info.file, dir);
    for (const f of manifest.files) expect((await readFile(path.join(dir, f.path))).includes('hooks.slack.com')).toBe(false);
    await rm(dir, { recursive: true });
    // The snapshot was moved out of the data dir: nothing is left behind there.
    expect(await readdir(path.join(env.home, 'data', 'prometheus', 'snapshots'))).toEqual([]);
    console.log(`backup ${info.id}: ${info.sizeBytes} bytes, ${p.blocks} blocks, ${p.samples} samples, ${p.verify!.series} series, ${ms.toFixed(0)} ms`);
    const { backups } = await listBackups(backupDeps);
    expect(backups.map((b) => b.id)).toEqual([info.id]);
  });

  it('after a wipe, restore brings back the same series and samples, Grafana\'s database and the secrets', async () => {
    // Change what the restore must undo: wipe the TSDB, change Grafana's database, a secret and settings.
    await core.handlers['stack:stop']({ components: ['prometheus'] });
    await rm(path.join(env.home, 'data', 'prometheus'), { recursive: true });
    await core.handlers['stack:start']({ components: ['prometheus'] });
    expect(await counts()).toEqual({ series: 0, samples: 0, sum: 0 });
    await sqlite(grafanaDb(), "DELETE FROM dashboard WHERE title = 'kept'");
    await writeFile(slackFile(), 'https://hooks.slack.com/services/T000/B000/changed', { mode: 0o600 });
    const settingsAtBackup = await readFile(path.join(env.home, 'settings.json'), 'utf8');
    await env.writeSettings({ ...env.settings, lookout: { ...env.settings.lookout, launchAtLogin: true } });

    const t0 = performance.now();
    const result = await restoreBackup(restoreDeps, backupId, { passphrase });
    const ms = performance.now() - t0;
    expect(result.restored).toEqual(['prometheus', 'grafana', 'secrets', 'settings']);
    expect(result.verified).not.toBeNull();
    expect(result.verified!.series).toBe(result.verified!.expected);
    expect(await counts()).toEqual(expectedFixture(fixture));
    expect(await sqlite(grafanaDb(), 'SELECT title FROM dashboard ORDER BY id')).toBe('kept\nby\nbackup');
    expect(await readFile(slackFile(), 'utf8')).toBe('https://hooks.slack.com/services/T000/B000/original');
    expect((await stat(slackFile())).mode & 0o777).toBe(0o600);
    expect(await readFile(path.join(env.home, 'settings.json'), 'utf8')).toBe(settingsAtBackup);
    // Nothing moved aside or staged is left.
    const leftovers = (await listFiles(env.home)).filter((f) => /before-restore|\.restore-|\.backup-staging-/.test(f));
    expect(leftovers).toEqual([]);
    console.log(`restore: ${ms.toFixed(0)} ms, ${JSON.stringify(await counts())}, verified ${JSON.stringify(result.verified)}`);
  });

  it('refuses a wrong passphrase before touching anything', async () => {
    const pid = await prometheusPid();
    const before = await tsdbListing();
    await expect(restoreBackup(restoreDeps, backupId, { passphrase: 'not the passphrase' })).rejects.toThrow(/wrong passphrase/);
    expect(await prometheusPid()).toBe(pid);
    expect(await tsdbListing()).toEqual(before);
  });

  it('refuses a corrupted archive (one byte flipped) and a truncated one, and nothing changes', async () => {
    const dir = path.dirname((await listBackups(backupDeps)).backups[0]!.file);
    const good = path.join(dir, archiveName(backupId));
    const size = (await stat(good)).size;
    const cases: Array<[string, (file: string) => Promise<void>]> = [
      ['one byte flipped', async (file) => {
        const buf = await readFile(file);
        buf[Math.floor(buf.length / 2)]! ^= 0x01;
        await writeFile(file, buf);
      }],
      ['truncated', (file) => truncate(file, Math.floor(size * 0.7))],
    ];
    for (const [i, [what, damage]] of cases.entries()) {
      const id = `${backupId.slice(0, -4)}bad${i}`;
      const file = path.join(dir, archiveName(id));
      await copyFile(good, file);
      await damage(file);
      const pid = await prometheusPid();
      const before = await tsdbListing();
      const settingsBefore = await readFile(path.join(env.home, 'settings.json'), 'utf8');
      const err = await restoreBackup(restoreDeps, id, { passphrase }).then(() => null, (e: Error) => e);
      expect(err, what).toBeInstanceOf(Error);
      expect(err!.message, what).toMatch(/not a readable backup|does not match its manifest/);
      console.log(`${what}: refused: ${err!.message.slice(0, 160)}`);
      expect(await prometheusPid(), what).toBe(pid);
      expect(await tsdbListing(), what).toEqual(before);
      expect(await readFile(path.join(env.home, 'settings.json'), 'utf8')).toBe(settingsBefore);
      expect(await counts()).toEqual(expectedFixture(fixture));
      expect((await readdir(env.home)).filter((n) => n.startsWith('.restore-'))).toEqual([]);
      await rm(file);
    }
  });

  it('rolls back a restore whose TSDB Prometheus cannot open: the previous data runs again', async () => {
    // A well-formed archive (every checksum right) whose block index is cut short: only starting Prometheus tells.
    const dir = path.dirname((await listBackups(backupDeps)).backups[0]!.file);
    const work = path.join(env.home, '.craft');
    const manifest = await unpackVerified(path.join(dir, archiveName(backupId)), work);
    const index = manifest.files.find((f) => /^prometheus\/[^/]+\/index$/.test(f.path))!;
    await truncate(path.join(work, index.path), 100);
    const id = `${backupId.slice(0, -4)}0bad`;
    const crafted: Manifest = { ...manifest, id, files: await describeFiles(work) };
    await writeJson(path.join(work, MANIFEST_FILE), crafted);
    await packArchive(work, path.join(dir, archiveName(id)));
    await rm(work, { recursive: true });

    const before = await tsdbListing();
    const err = await restoreBackup(restoreDeps, id, { passphrase }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(RestoreError);
    expect((err as RestoreError).rolledBack).toBe(true);
    expect((err as RestoreError).message).toMatch(/did not start|not ready/);
    console.log(`bad TSDB: ${(err as Error).message.slice(0, 300)}`);
    await waitFor('Prometheus running on the previous data', async () => (await core.handlers['stack:get']({})).components.find((c) => c.id === 'prometheus')!.state === 'running', 30_000, 200);
    expect(await tsdbListing()).toEqual(before);
    expect(await counts()).toEqual(expectedFixture(fixture));
    expect((await listFiles(env.home)).filter((f) => /before-restore|\.restore-/.test(f))).toEqual([]);
    await rm(path.join(dir, archiveName(id)));
  });

  it('prunes to the newest N', async () => {
    const second = await createBackup(backupDeps);
    expect(second.contents.secrets).toEqual({ included: false, reason: 'excluded (backup.includeSecrets is off)' });
    const { deleted, kept } = await pruneBackups(backupDeps, 1);
    expect(kept).toEqual([second.id]);
    expect(deleted).toEqual([backupId]);
    expect((await listBackups(backupDeps)).backups.map((b) => b.id)).toEqual([second.id]);
  });
});
