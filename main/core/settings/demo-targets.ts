/**
 * `lookout demo` publishes the reference services it runs in $LOOKOUT_HOME/demo.json; the core treats
 * that file as a second source of scrape targets next to settings.services, and follows it like
 * settings.json (re-render and reload on change). The file works whether or not Lookout runs while
 * the demo starts, and it never touches the user's settings.json.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Paths } from '../paths';
import { describeIssues, settingsSchema, type Settings } from './schema';
import { writeFileAtomic } from '../atomic-write';

export const DEMO_FILE_NAME = 'demo.json';

/** Where the demo publishes its targets in a home. */
export const demoFilePath = (home: string) => path.join(home, DEMO_FILE_NAME);

/** An endpoint another process can probe: the memory server's Unix socket, or a loopback HTTP URL. */
const ipcEndpoint = z.discriminatedUnion('transport', [
  z.object({
    transport: z.literal('unix'),
    path: z.string().refine((p) => p.startsWith('/'), { message: 'must be an absolute path' }),
    /** Newline-delimited JSON; `{"id":0,"method":"ping"}` is answered with `{"id":0,"result":"pong"}`. */
    protocol: z.literal('ndjson'),
  }),
  z.object({ transport: z.literal('http'), url: z.url({ protocol: /^http$/ }) }),
]);

const demoService = z.object({
  /** Job name: llm, memory, gui. */
  name: z.string(),
  url: z.url({ protocol: /^http$/ }),
  metricsPath: z.string().default('/metrics'),
  labels: z.record(z.string(), z.string()).default({}),
  /** The service's process, for per-process collectors. */
  pid: z.number().int().positive().optional(),
  /** Its IPC endpoints, for IPC probes. */
  ipc: z.array(ipcEndpoint).default([]),
  logFile: z.string().optional(),
  /** Fault injection endpoint (POST JSON). */
  adminUrl: z.string().optional(),
});

/** The demo file's contents. */
export const demoFileSchema = z.object({
  version: z.literal(1),
  /** The `lookout demo` process; a file whose process is gone is stale and ignored. */
  pid: z.number().int().positive(),
  startedAt: z.string(),
  services: z.array(demoService),
});

export type DemoFile = z.output<typeof demoFileSchema>;
export type DemoFileInput = z.input<typeof demoFileSchema>;
export type DemoService = DemoFile['services'][number];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type DemoRead = { demo: DemoFile | null; problem: string | null };

/** Read and check the demo file: absent → no targets; invalid or stale → no targets and a reason naming the file. */
export async function readDemoFile(home: string, isAlive: (pid: number) => boolean = alive): Promise<DemoRead> {
  const file = demoFilePath(home);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { demo: null, problem: null };
    return { demo: null, problem: `${file} cannot be read: ${(err as Error).message}` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { demo: null, problem: `${file} is not valid JSON: ${(err as Error).message}` };
  }
  const parsed = demoFileSchema.safeParse(raw);
  if (!parsed.success) return { demo: null, problem: `${file} is invalid:\n${describeIssues(parsed.error).map((l) => `  ${l}`).join('\n')}` };
  if (!isAlive(parsed.data.pid)) return { demo: null, problem: `${file} is stale: lookout demo (pid ${parsed.data.pid}) is not running` };
  return { demo: parsed.data, problem: null };
}

/** Publish the demo's targets atomically, so a watcher never reads half a file. */
export async function writeDemoFile(home: string, demo: DemoFileInput): Promise<void> {
  const file = demoFilePath(home);
  const checked = demoFileSchema.parse(demo);
  await fsp.mkdir(home, { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(checked, null, 2)}\n`);
}

/** Remove the demo file if it is ours (a newer demo may have replaced it). */
export function removeDemoFileSync(home: string, ownerPid: number): void {
  const file = demoFilePath(home);
  try {
    const current = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown };
    if (current.pid === ownerPid) fs.rmSync(file, { force: true });
  } catch {
    // absent or unreadable: nothing of ours to remove
  }
}

export interface MergedTargets {
  settings: Settings;
  /** Demo services left out because settings.services already has a job of that name, or the merge was rejected. */
  skipped: string[];
}

/**
 * Settings with the demo's services added as scrape jobs. A demo service whose name the user already
 * uses is left out (the user's own job wins); the result is validated with the settings schema, so the
 * renderer only ever sees what a valid settings file could have said.
 */
export function mergeDemoTargets(settings: Settings, demo: DemoFile | null): MergedTargets {
  if (!demo || demo.services.length === 0) return { settings, skipped: [] };
  const taken = new Set(settings.services.map((s) => s.name));
  const skipped: string[] = [];
  const extra = demo.services
    .filter((s) => {
      if (!taken.has(s.name)) return true;
      skipped.push(`${s.name}: settings.services already has a job named ${s.name}`);
      return false;
    })
    .map((s) => ({ name: s.name, url: s.url, metricsPath: s.metricsPath, labels: s.labels }));
  // Only the services list is re-validated (names, reserved jobs, duplicates, labels); the rest of the
  // settings stays the object in force, untouched.
  const checked = settingsSchema.safeParse({ services: [...settings.services, ...extra] });
  if (!checked.success) return { settings, skipped: [...skipped, ...describeIssues(checked.error)] };
  return { settings: { ...settings, services: checked.data.services }, skipped };
}

/** The demo file as a live source of targets for the core. */
export interface DemoTargets {
  /** The demo in force (null when there is none, or the file is stale or invalid). */
  current(): DemoFile | null;
  /** `settings` with the demo's targets merged in (memoised: the stack asks often). */
  apply(settings: Settings): Settings;
  load(): Promise<void>;
  /** Follow the file; `onChange` runs when the demo in force changes. Returns the function that stops watching. */
  watch(onChange: () => void): () => void;
}

/** Editors and the demo write in bursts; wait for the burst to end before reading. */
const DEBOUNCE_MS = 150;

export function createDemoTargets(paths: Paths, logger: Logger): DemoTargets {
  let demo: DemoFile | null = null;
  let lastProblem: string | null = null;
  let memo: { settings: Settings; demo: DemoFile | null; result: Settings } | null = null;

  async function read(): Promise<boolean> {
    const { demo: next, problem } = await readDemoFile(paths.home);
    if (problem && problem !== lastProblem) logger.warn({ file: demoFilePath(paths.home), problem }, 'demo targets ignored');
    lastProblem = problem;
    const changed = JSON.stringify(next) !== JSON.stringify(demo);
    demo = next;
    if (changed) logger.info({ services: demo?.services.map((s) => s.name) ?? [] }, demo ? 'demo targets in force' : 'no demo targets');
    return changed;
  }

  return {
    current: () => demo,
    apply(settings) {
      if (memo && memo.settings === settings && memo.demo === demo) return memo.result;
      const { settings: result, skipped } = mergeDemoTargets(settings, demo);
      if (skipped.length) logger.warn({ skipped }, 'some demo targets were left out');
      memo = { settings, demo, result };
      return result;
    },
    async load() {
      await read();
    },
    watch(onChange) {
      let timer: NodeJS.Timeout | null = null;
      let closed = false;
      const watcher = fs.watch(paths.home, { persistent: false }, (_event, filename) => {
        if (filename !== null && filename.toString() !== DEMO_FILE_NAME) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          void read().then(
            (changed) => {
              if (changed && !closed) onChange();
            },
            (err: unknown) => logger.warn({ err }, 'reading demo targets failed'),
          );
        }, DEBOUNCE_MS);
      });
      watcher.on('error', (err) => logger.warn({ err, dir: paths.home }, 'demo targets watcher failed'));
      return () => {
        closed = true;
        if (timer) clearTimeout(timer);
        watcher.close();
      };
    },
  };
}
