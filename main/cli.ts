/**
 * The `lookout` command: `serve` runs the core headless with the UI in a browser tab; the other
 * subcommands are thin clients of a running instance (found through its serve file) or of core functions.
 * Exit codes: 0 ok, 1 failure, 2 usage, 3 no running instance.
 */
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ComponentId, StackSnapshot } from '../common/model';
import { paths as layout, resolveHome, type Paths } from './core/paths';
import { createCommandRunner } from './core/adapters/command-runner';
import { createPortProbe } from './core/adapters/port-probe';
import { formatDoctor, runDoctor } from './core/doctor';
import type { CollectorHealth } from './core/metrics/doctor-checks';
import { checkCollectors } from './core/metrics/native-metrics';
import { readDemoFile } from './core/settings/demo-targets';
import type { Settings } from './core/settings/schema';
import { defaultSettings } from './core/settings/schema';
import { parseSettings, type ParsedSettings } from './core/settings/store';
import { renderStack } from './core/stack/render';
import { runDemoCommand } from './reference/demo-command';
import { runReferenceService } from './reference/service-main';
import { parseRate } from './reference/traffic';
import { appVersion, createLookout, startLookout } from './index';
import { systemClock } from './core/adapters/clock';
import { createBackup, listBackups, pruneBackups, type BackupDeps, type BackupInfo } from './core/backup/backups';
import { restoreBackup, RestoreError, stackControlFrom, type StackControl } from './core/backup/restore';
import { createStackAccess } from './core/lockdown/access';
import { userUrl } from './server/http';
import { ApiError, ApiUnreachableError, createApiClient, readServeFile } from './server/serve-file';

const EXIT = { ok: 0, failure: 1, usage: 2, notRunning: 3 } as const;

const USAGE = `Usage: lookout <command> [options]

Commands:
  serve [--port N]             Run Lookout headless; prints the URL of the UI (with its token)
  stack status [--json]        Show the components of the running instance
  stack start [ids...]         Start components (all enabled ones when no id is given)
  stack stop [ids...]          Stop components (all when no id is given)
  doctor [--json]              Check binaries, ports, settings and configs
  config render --out DIR      Write the configs Lookout would render from settings.json into DIR
  dashboards export --out DIR  Write Lookout's Grafana dashboards (JSON, built from code) into DIR
  demo [--traffic RATE]        Run the reference LLM, memory and GUI servers as scrape targets until Ctrl-C
                               (RATE: requests per second through them)
  secrets set NAME             Store an alert receiver secret read from stdin (slackUrl, smtpPassword, webhookToken)
  secrets clear NAME           Remove it;  secrets status: which are set (values are never shown)
  backup create [--include-secrets] [--passphrase-stdin]
                               Back up the TSDB, settings, configs, Grafana's database (and the secrets, encrypted
                               with a passphrase from LOOKOUT_BACKUP_PASSPHRASE or stdin) into one archive
  backup list [--json]         The backups, newest first
  backup restore ID [--passphrase-stdin]
                               Verify a backup, then put it in place; a failed restore leaves the previous state running
  backup prune [--keep N]      Delete all but the newest N backups (default: backup.keep in settings)

Options:
  --home DIR                   Lookout home (sets LOOKOUT_HOME)
  -h, --help                   Show this help

Component ids: prometheus, alertmanager, node_exporter, grafana
`;

/** A failure with the exit code it should end the process with. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const usageError = (message: string) => new CliError(`${message}\n\n${USAGE}`, EXIT.usage);

type Flags = {
  port?: string;
  home?: string;
  json?: boolean;
  out?: string;
  help?: boolean;
  traffic?: string;
  'include-secrets'?: boolean;
  'passphrase-stdin'?: boolean;
  keep?: string;
};

/** Run the CLI; resolves to the exit code (serve resolves only when it has shut down). */
export async function main(argv: string[]): Promise<number> {
  // Internal: one reference service as a child of `lookout demo`, with options of its own.
  if (argv[0] === 'demo-service') return runReferenceService(argv.slice(1));
  let flags: Flags;
  let positionals: string[];
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string' },
        home: { type: 'string' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        traffic: { type: 'string' },
        'include-secrets': { type: 'boolean' },
        'passphrase-stdin': { type: 'boolean' },
        keep: { type: 'string' },
      },
    });
    flags = parsed.values;
    positionals = parsed.positionals;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }

  const [command, ...rest] = positionals;
  if (flags.help || command === 'help') {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  // Set before anything resolves the home, so every part of this process agrees on it.
  if (flags.home) process.env.LOOKOUT_HOME = path.resolve(flags.home);

  try {
    switch (command) {
      case 'serve':
        expectNoArgs('serve', rest);
        return await serve(flags);
      case 'stack':
        return await stack(rest, flags);
      case 'doctor':
        expectNoArgs('doctor', rest);
        return await doctor(flags);
      case 'demo':
        expectNoArgs('demo', rest);
        return await demo(flags);
      case 'config':
        if (rest[0] !== 'render') throw usageError(`unknown config command: ${rest[0] ?? '(none)'}`);
        expectNoArgs('config render', rest.slice(1));
        return await configRender(flags);
      case 'secrets':
        return await secretsCommand(rest);
      case 'backup':
        return await backupCommand(rest, flags);
      case 'dashboards':
        if (rest[0] !== 'export') throw usageError(`unknown dashboards command: ${rest[0] ?? '(none)'}`);
        expectNoArgs('dashboards export', rest.slice(1));
        return await dashboardsExport(flags);
      case undefined:
        throw usageError('missing command');
      default:
        throw usageError(`unknown command: ${command}`);
    }
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`lookout: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failure;
  }
}

function expectNoArgs(command: string, rest: string[]): void {
  if (rest.length) throw usageError(`lookout ${command} takes no arguments (got ${rest.join(' ')})`);
}

function homePaths(): Paths {
  return layout(resolveHome());
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw usageError(`--port must be a number from 0 to 65535 (got ${value})`);
  return port;
}

/** The built UI: dist/renderer next to dist/main/cli.js; from a source checkout (tsx), the build in dist/. */
function findStaticDir(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, '..', 'renderer'), path.join(here, '..', 'dist', 'renderer')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html')) && existsSync(path.join(dir, 'assets'))) ?? null;
}

async function serve(flags: Flags): Promise<number> {
  const port = flags.port === undefined ? undefined : parsePort(flags.port);
  const paths = homePaths();
  const running = await readServeFile(paths);
  if (running) {
    // Two instances would supervise the same processes and fight over them.
    throw new CliError(`Lookout is already running for ${paths.home} at ${running.url} (pid ${running.pid}).`, EXIT.failure);
  }

  const lookout = await startLookout({ mode: 'serve', home: paths.home, port, staticDir: findStaticDir() });
  process.stdout.write(`Lookout is running: ${userUrl(lookout.server.url, lookout.token)}\n`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second Ctrl-C means "now": skip the orderly shutdown.
        process.exit(EXIT.failure);
      }
      stopping = true;
      lookout.logger.info({ signal }, 'shutting down');
      void (async () => {
        let code: number = EXIT.ok;
        try {
          await lookout.stop();
        } catch (err) {
          code = EXIT.failure;
          process.stderr.write(`lookout: ${(err as Error).message}\n`);
        }
        resolve(code);
      })();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function demo(flags: Flags): Promise<number> {
  let traffic: number | undefined;
  try {
    traffic = flags.traffic === undefined ? undefined : parseRate(flags.traffic);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  return runDemoCommand({ home: homePaths().home, traffic, cliEntry: fileURLToPath(import.meta.url) });
}

/** A client of the running instance of this home, or exit 3 saying how to start one. */
async function connect() {
  const paths = homePaths();
  const info = await readServeFile(paths);
  if (!info) {
    throw new CliError(
      `No running Lookout found for ${paths.home}.\nStart one with: lookout serve${process.env.LOOKOUT_HOME ? ` --home ${paths.home}` : ''}`,
      EXIT.notRunning,
    );
  }
  return createApiClient({ url: info.url, token: info.token });
}

/**
 * `lookout secrets set|clear|status`: through the running instance, which writes the 0600 file (or the
 * app's safeStorage) and re-applies the configs. The value comes from stdin, never from argv, so it
 * stays out of shell history and `ps`.
 */
async function secretsCommand(args: string[]): Promise<number> {
  const [verb, name, ...extra] = args;
  if (extra.length) throw usageError(`lookout secrets takes one name (got ${args.join(' ')})`);
  const names = ['slackUrl', 'smtpPassword', 'webhookToken'] as const;
  type Name = (typeof names)[number];
  const checkName = (n: string | undefined): Name => {
    if (!n || !(names as readonly string[]).includes(n)) throw usageError(`secret name must be one of ${names.join(', ')} (got ${n ?? 'none'})`);
    return n as Name;
  };
  const client = await connect();
  let status: Record<Name, boolean>;
  switch (verb) {
    case 'set': {
      const secret = checkName(name);
      if (process.stdin.isTTY) process.stderr.write(`Paste the value for ${secret}, then press Enter and Ctrl-D:\n`);
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      const value = Buffer.concat(chunks).toString('utf8').trim();
      if (!value) throw usageError(`no value for ${secret} on stdin`);
      status = await call(() => client.secrets.set({ name: secret, value }));
      break;
    }
    case 'clear':
      status = await call(() => client.secrets.clear({ name: checkName(name) }));
      break;
    case 'status':
      if (name) throw usageError('lookout secrets status takes no name');
      status = await call(() => client.secrets.get());
      break;
    default:
      throw usageError(`unknown secrets command: ${verb ?? '(none)'}`);
  }
  process.stdout.write(`${names.map((n) => `${n.padEnd(13)} ${status[n] ? 'set' : 'not set'}`).join('\n')}\n`);
  return EXIT.ok;
}

/** The passphrase for secrets in a backup: LOOKOUT_BACKUP_PASSPHRASE, or stdin with --passphrase-stdin (never argv). */
async function backupPassphrase(flags: Flags): Promise<string | undefined> {
  if (flags['passphrase-stdin']) {
    if (process.stdin.isTTY) process.stderr.write('Backup passphrase, then Enter and Ctrl-D:\n');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const value = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
    if (!value) throw usageError('no passphrase on stdin');
    return value;
  }
  return process.env.LOOKOUT_BACKUP_PASSPHRASE || undefined;
}

const describeBackup = (b: BackupInfo): string => {
  const c = b.contents;
  const parts = Object.entries(c).map(([name, part]) => (part.included ? name : `no ${name}`));
  return `${b.id}  ${b.created}  ${(b.sizeBytes / 1024 / 1024).toFixed(1)} MiB  ${parts.join(', ')}`;
};

/**
 * `lookout backup create|list|restore|prune`: the core functions run in this process against the home's
 * settings. Restore stops and starts components through the running instance when there is one, else
 * through a core of its own that adopts what runs (and leaves it running).
 */
async function backupCommand(args: string[], flags: Flags): Promise<number> {
  const [verb, id, ...extra] = args;
  const paths = homePaths();
  const loaded = await loadSettings(paths);
  if (!loaded.ok) throw new CliError(loaded.error, EXIT.failure);
  const settings = () => loaded.settings;
  const deps: BackupDeps = { paths, settings, access: createStackAccess({ paths, settings }), clock: systemClock, lookoutVersion: appVersion() };
  const out = (text: string, json: unknown) => process.stdout.write(flags.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
  if (extra.length || (verb !== 'restore' && id)) throw usageError(`lookout backup ${verb ?? ''} takes ${verb === 'restore' ? 'one id' : 'no arguments'} (got ${args.slice(1).join(' ')})`);
  switch (verb) {
    case 'create': {
      const includeSecrets = flags['include-secrets'] ?? loaded.settings.backup.includeSecrets;
      const b = await createBackup(deps, { includeSecrets, passphrase: includeSecrets ? await backupPassphrase(flags) : undefined });
      const left = Object.entries(b.contents).flatMap(([name, part]) => (part.included ? [] : [`  ${name}: ${part.reason}`]));
      out([`Backup ${b.id} written to ${b.file} (${b.sizeBytes} bytes).`, ...(left.length ? ['Left out:', ...left] : [])].join('\n'), b);
      return EXIT.ok;
    }
    case 'list': {
      const { backups, unreadable, dir } = await listBackups(deps);
      const lines = backups.length ? backups.map(describeBackup) : [`No backups in ${dir}.`];
      for (const u of unreadable) lines.push(`${u.id}  unreadable: ${u.error}`);
      out(lines.join('\n'), { dir, backups, unreadable });
      return EXIT.ok;
    }
    case 'prune': {
      const keep = flags.keep === undefined ? undefined : Number(flags.keep);
      if (keep !== undefined && (!Number.isInteger(keep) || keep < 1)) throw usageError(`--keep must be a whole number of at least 1 (got ${flags.keep})`);
      const r = await pruneBackups(deps, keep);
      out(r.deleted.length ? `Deleted ${r.deleted.join(', ')}; kept ${r.kept.length}.` : `Nothing to delete; ${r.kept.length} kept.`, r);
      return EXIT.ok;
    }
    case 'restore': {
      if (!id) throw usageError('lookout backup restore needs a backup id (see lookout backup list)');
      const passphrase = await backupPassphrase(flags);
      const info = await readServeFile(paths);
      let stack: StackControl;
      let release = async () => undefined as void;
      if (info) {
        stack = stackControlFrom(createApiClient({ url: info.url, token: info.token, timeoutMs: 180_000 }).stack);
      } else {
        const core = createLookout({ mode: 'serve', home: paths.home });
        await core.init();
        stack = stackControlFrom({ get: (r) => core.handlers['stack:get'](r), start: (r) => core.handlers['stack:start'](r), stop: (r) => core.handlers['stack:stop'](r) });
        release = () => core.dispose();
      }
      try {
        const r = await restoreBackup({ ...deps, stack }, id, { passphrase });
        const skipped = r.skipped.map((s) => `  ${s.what}: ${s.reason}`);
        const verified = r.verified ? `; Prometheus has the ${r.verified.series} series the backup recorded` : '';
        out([`Restored ${r.restored.join(', ')} from ${r.id} in ${(r.durationMs / 1000).toFixed(1)} s${verified}.`, ...(skipped.length ? ['Not restored:', ...skipped] : [])].join('\n'), r);
        return EXIT.ok;
      } catch (err) {
        if (err instanceof RestoreError) throw new CliError(`lookout: ${err.message}`, EXIT.failure);
        throw err;
      } finally {
        await release();
      }
    }
    default:
      throw usageError(`unknown backup command: ${verb ?? '(none)'}`);
  }
}

/** Turn transport errors into exit codes: unreachable → 3, refused request → 2, anything else → 1. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiUnreachableError) throw new CliError(`${err.message}\nStart one with: lookout serve`, EXIT.notRunning);
    if (err instanceof ApiError) throw new CliError(`lookout: ${err.message}`, err.status === 400 ? EXIT.usage : EXIT.failure);
    throw err;
  }
}

async function stack(args: string[], flags: Flags): Promise<number> {
  const [verb, ...ids] = args;
  let snapshot: StackSnapshot;
  switch (verb) {
    case 'status': {
      if (ids.length) throw usageError('lookout stack status takes no component ids');
      const client = await connect();
      snapshot = await call(() => client.stack.get());
      break;
    }
    case 'start':
    case 'stop': {
      const client = await connect();
      // Ids are not checked here: the server's request gate does it and names the bad one.
      const req = ids.length ? { components: ids as ComponentId[] } : {};
      snapshot = await call(() => (verb === 'start' ? client.stack.start(req) : client.stack.stop(req)));
      break;
    }
    default:
      throw usageError(`unknown stack command: ${verb ?? '(none)'}`);
  }
  process.stdout.write(flags.json ? `${JSON.stringify(snapshot, null, 2)}\n` : formatStack(snapshot));
  return EXIT.ok;
}

/** The status table: one row per component, problems of settings and config below it. */
export function formatStack(snapshot: StackSnapshot): string {
  const header = ['ID', 'STATE', 'PID', 'PORT', 'VERSION', 'LAST ERROR'];
  const rows = snapshot.components.map((c) => [c.id, c.state, c.pid ?? '-', c.port, c.version ?? '-', c.lastError ?? '-'].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [line(header), ...rows.map(line)];
  if (snapshot.settingsError) out.push('', `Settings: ${snapshot.settingsError}`);
  if (snapshot.configError) out.push('', `Config: ${snapshot.configError}`);
  return `${out.join('\n')}\n`;
}

/** The settings of this home as the core would load them: the file, or the defaults when there is none. */
async function loadSettings(paths: Paths): Promise<ParsedSettings> {
  let text: string;
  try {
    text = await readFile(paths.settings, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return { ok: true, settings: defaultSettings() };
  }
  return parseSettings(text, paths.settings);
}

async function doctor(flags: Flags): Promise<number> {
  const paths = homePaths();
  const loaded = await loadSettings(paths);
  const runner = createCommandRunner();
  // With a broken file the checks run against the defaults; the settings check itself reports the problem.
  const settings = loaded.ok ? loaded.settings : defaultSettings();
  const checks = await runDoctor({
    settings,
    paths,
    runner,
    ports: createPortProbe(runner),
    collectors: () => collectorHealth(paths, settings, runner),
  });
  process.stdout.write(flags.json ? `${JSON.stringify(checks, null, 2)}\n` : `${formatDoctor(checks)}\n`);
  return checks.every((c) => c.ok) ? EXIT.ok : EXIT.failure;
}

/** Collector health for doctor: what the running instance sees, else one run of each collector here and now. */
async function collectorHealth(paths: Paths, settings: Settings, runner: ReturnType<typeof createCommandRunner>): Promise<CollectorHealth> {
  const info = await readServeFile(paths);
  if (info) {
    try {
      const { collectors } = await createApiClient({ url: info.url, token: info.token, timeoutMs: 5_000 }).metrics.get();
      if (collectors.length) return { statuses: collectors, source: `from the running Lookout, pid ${info.pid}` };
    } catch {
      // not answering: run the collectors here instead
    }
  }
  const { demo } = await readDemoFile(paths.home);
  return { statuses: await checkCollectors({ settings, runner, demo }), source: 'one run now' };
}

/** The dashboards are code; this writes the JSON Grafana reads (committed in assets/grafana/dashboards). */
async function dashboardsExport(flags: Flags): Promise<number> {
  if (!flags.out) throw usageError('lookout dashboards export needs --out DIR');
  // Loaded on demand: the dashboards-as-code SDK is only needed here, not in a running Lookout.
  const { exportDashboards } = await import('./core/grafana/dashboards');
  for (const file of await exportDashboards(path.resolve(flags.out))) process.stdout.write(`${file}\n`);
  return EXIT.ok;
}

async function configRender(flags: Flags): Promise<number> {
  if (!flags.out) throw usageError('lookout config render needs --out DIR');
  const paths = homePaths();
  const parsed = await loadSettings(paths);
  if (!parsed.ok) throw new CliError(parsed.error, EXIT.failure);
  const out = path.resolve(flags.out);
  const files = renderStack(parsed.settings, paths);
  for (const file of files) {
    const target = path.join(out, ...file.path.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content);
    process.stdout.write(`${target}\n`);
  }
  return EXIT.ok;
}

/** True when this module is the program (dist/main/cli.js, an npm bin symlink to it, or tsx main/cli.ts). */
function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// Not when a test imports `main` or `formatStack`.
if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`lookout: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(EXIT.failure);
    },
  );
}
