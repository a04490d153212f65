import { createHttpClient } from '../../common/http-client';
import { systemClock } from '../core/adapters/clock';
import { createBackup, listBackups, pruneBackups, type BackupDeps, type BackupInfo } from '../core/backup/backups';
import { restoreBackup, RestoreError, stackControlFrom, type StackControl } from '../core/backup/restore';
import { createStackAccess } from '../core/lockdown/access';
import { appVersion, createLookout } from '../index';
import { readServeFile } from '../server/serve-file';
import { print } from './client';
import { CliError, EXIT, homePaths, str, usageError, type Command } from './command';
import { loadSettings } from './doctor';

const USAGE = `  backup create [--include-secrets] [--passphrase-stdin]
                               A consistent archive of the TSDB, settings, rendered configs, Grafana's database
                               (and, with a passphrase, the receiver secrets, encrypted); LOOKOUT_BACKUP_PASSPHRASE works too
  backup list [--json]         The backups, newest first
  backup restore ID [--passphrase-stdin]
                               Verify a backup, then put it in place; a failed restore leaves the previous state running
  backup prune [--keep N]      Delete all but the newest N backups (default: backup.keep in settings)
`;

/** The passphrase for secrets in a backup: LOOKOUT_BACKUP_PASSPHRASE, or stdin with --passphrase-stdin (never argv). */
async function passphrase(flags: Record<string, unknown>): Promise<string | undefined> {
  if (flags['passphrase-stdin'] === true) {
    if (process.stdin.isTTY) process.stderr.write('Backup passphrase, then Enter and Ctrl-D:\n');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const value = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
    if (!value) throw usageError('no passphrase on stdin', USAGE);
    return value;
  }
  return process.env.LOOKOUT_BACKUP_PASSPHRASE || undefined;
}

const describe = (b: BackupInfo): string => {
  const parts = Object.entries(b.contents).map(([name, part]) => (part.included ? name : `no ${name}`));
  return `${b.id}  ${b.created}  ${(b.sizeBytes / 1024 / 1024).toFixed(1)} MiB  ${parts.join(', ')}`;
};

/**
 * `lookout backup create|list|restore|prune`: the core functions run in this process against the home's
 * settings. Restore stops and starts components through the running instance when there is one, else
 * through a core of its own that adopts what runs (and leaves it running).
 */
export const backupCommand: Command = {
  name: 'backup',
  usage: USAGE,
  options: { 'include-secrets': { type: 'boolean' }, 'passphrase-stdin': { type: 'boolean' }, keep: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, flags) {
    const [verb, id, ...extra] = args;
    if (extra.length || (verb !== 'restore' && id)) throw usageError(`lookout backup ${verb ?? ''} takes ${verb === 'restore' ? 'one id' : 'no arguments'} (got ${args.slice(1).join(' ')})`, USAGE);
    const paths = homePaths();
    const loaded = await loadSettings(paths);
    if (!loaded.ok) throw new CliError(loaded.error, EXIT.failure);
    const settings = () => loaded.settings;
    const deps: BackupDeps = { paths, settings, access: createStackAccess({ paths, settings }), clock: systemClock, lookoutVersion: appVersion() };
    const json = flags.json === true;
    switch (verb) {
      case 'create': {
        const includeSecrets = (flags['include-secrets'] as boolean | undefined) ?? loaded.settings.backup.includeSecrets;
        const b = await createBackup(deps, { includeSecrets, passphrase: includeSecrets ? await passphrase(flags) : undefined });
        const left = Object.entries(b.contents).flatMap(([name, part]) => (part.included ? [] : [`  ${name}: ${part.reason}`]));
        print(json, b, () => `${[`Backup ${b.id} written to ${b.file} (${b.sizeBytes} bytes).`, ...(left.length ? ['Left out:', ...left] : [])].join('\n')}\n`);
        return EXIT.ok;
      }
      case 'list': {
        const { backups, unreadable, dir } = await listBackups(deps);
        const lines = backups.length ? backups.map(describe) : [`No backups in ${dir}.`];
        for (const u of unreadable) lines.push(`${u.id}  unreadable: ${u.error}`);
        print(json, { dir, backups, unreadable }, () => `${lines.join('\n')}\n`);
        return EXIT.ok;
      }
      case 'prune': {
        const keepFlag = str(flags.keep);
        const keep = keepFlag === undefined ? undefined : Number(keepFlag);
        if (keep !== undefined && (!Number.isInteger(keep) || keep < 1)) throw usageError(`--keep must be a whole number of at least 1 (got ${keepFlag})`, USAGE);
        const r = await pruneBackups(deps, keep);
        print(json, r, () => `${r.deleted.length ? `Deleted ${r.deleted.join(', ')}; kept ${r.kept.length}.` : `Nothing to delete; ${r.kept.length} kept.`}\n`);
        return EXIT.ok;
      }
      case 'restore': {
        if (!id) throw usageError('lookout backup restore needs a backup id (see lookout backup list)', USAGE);
        const secret = await passphrase(flags);
        const info = await readServeFile(paths);
        let stack: StackControl;
        let release = async () => undefined as void;
        if (info) {
          stack = stackControlFrom(createHttpClient({ baseUrl: info.url, token: info.token, timeoutMs: 180_000 }).stack);
        } else {
          const core = createLookout({ mode: 'serve', home: paths.home });
          await core.init();
          stack = stackControlFrom({ get: (r) => core.handlers['stack:get'](r), start: (r) => core.handlers['stack:start'](r), stop: (r) => core.handlers['stack:stop'](r) });
          release = () => core.dispose();
        }
        try {
          const r = await restoreBackup({ ...deps, stack }, id, { passphrase: secret });
          const skipped = r.skipped.map((s) => `  ${s.what}: ${s.reason}`);
          const verified = r.verified ? `; Prometheus has the ${r.verified.series} series the backup recorded` : '';
          print(json, r, () => `${[`Restored ${r.restored.join(', ')} from ${r.id} in ${(r.durationMs / 1000).toFixed(1)} s${verified}.`, ...(skipped.length ? ['Not restored:', ...skipped] : [])].join('\n')}\n`);
          return EXIT.ok;
        } catch (err) {
          if (err instanceof RestoreError) throw new CliError(`lookout: ${err.message}`, EXIT.failure);
          throw err;
        } finally {
          await release();
        }
      }
      default:
        throw usageError(`unknown backup command: ${verb ?? '(none)'}`, USAGE);
    }
  },
};
