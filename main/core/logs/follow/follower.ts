import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { glob, isDynamicPattern } from 'tinyglobby';
import type { Clock, Timer } from '../../ports';
import type { LogSource } from '../../store/records';
import { createFileTailer, type FileTailer, type TailedLine, type TailEvent, type TailState } from './file-tailer';
import type { OffsetsStore, SavedOffset } from './offsets-store';

/** One declared log file, or a glob of them. */
export interface FollowSpec {
  /** An absolute path, or an absolute glob (`/var/log/app/*.log`); a glob also picks up files that appear later. */
  path: string;
  service: string;
  source: LogSource;
}

/** Lines read from one file in one go, in file order. */
export interface FollowedBatch {
  spec: FollowSpec;
  file: string;
  lines: TailedLine[];
  /** When they were read, epoch µs (the time of a line that carries none). */
  readTimeUs: number;
}

export interface FollowerOptions {
  offsets: OffsetsStore;
  clock: Clock;
  logger: Logger;
  /** Hand lines on. Offsets move past them only after this returns (and after `beforeCheckpoint`). */
  deliver(batch: FollowedBatch): void | Promise<void>;
  /** Resolves once everything delivered so far is durable (the store and the shipping queues flushed). */
  beforeCheckpoint?(): Promise<void>;
  /** Poll every followed file this often (fs.watch events only bring the next poll forward). Default 500 ms. */
  pollMs?: number;
  /** Expand globs again this often. Default 5 s. */
  globRescanMs?: number;
  /** Save offsets at most this often. Default 1 s. */
  checkpointMs?: number;
  maxLineBytes?: number;
  maxReadBytesPerPoll?: number;
  renameGraceMs?: number;
  /** Files already there at the first start, with no saved offset: read from their start (default) or only what comes next. */
  startAt?: 'beginning' | 'end';
  /** Use fs.watch as a hint. Default true. */
  watch?: boolean;
}

export interface FollowedFileStatus {
  file: string;
  service: string;
  source: LogSource;
  state: TailState;
  offset: number | null;
  size: number | null;
  error: string | null;
}

export interface FollowerStatus {
  files: FollowedFileStatus[];
  linesRead: number;
  /** Why offsets could not be saved last time (a full disk, …), or null. */
  offsetsError: string | null;
  /** Why the saved offsets could not be used at start, or null. */
  offsetsProblem: string | null;
  /** The last rotation, truncation, loss and deletion events, newest last. */
  recentEvents: (TailEvent & { at: number })[];
}

export interface FileFollower {
  start(specs: FollowSpec[]): Promise<void>;
  /** Follow another set of specs from the next poll on (files no longer named are closed). */
  setSpecs(specs: FollowSpec[]): void;
  /** Poll every file once now and deliver what is new (also what the timer does). */
  tick(): Promise<void>;
  /** Save offsets now (after `beforeCheckpoint`). */
  checkpoint(): Promise<void>;
  /** Stop polling and watching, save offsets a last time, close every file. */
  stop(): Promise<void>;
  status(): FollowerStatus;
}

/** Rotated copies are not followed as files of their own (that would read their lines twice). */
const ROTATED_NAME = /\.(gz|bz2|xz|zst|zip)$|\.\d+$|\.(tmp|rotating)$/;
const EVENTS_KEPT = 20;

/** The problem a followed file that was deleted shows in the status (logs:status) until a new file appears at its path. */
export const deletedProblem = (file: string) => `${file} was deleted while followed: its last lines were read, and a new file at this path will be followed from its start`;

/** The directory fs.watch should watch for a spec: the file's directory, or a glob's static base. */
function watchDir(p: string): string {
  if (!isDynamicPattern(p)) return path.dirname(p);
  const parts = p.split('/');
  const i = parts.findIndex((seg) => isDynamicPattern(seg));
  return parts.slice(0, i).join('/') || '/';
}

/**
 * Follows every declared file: one tailer per concrete file (globs expanded now and every
 * `globRescanMs`), polled in turn, so delivery is ordered per file and never concurrent. Offsets are
 * saved after delivery and `beforeCheckpoint`, so a crash re-reads at most the lines delivered since
 * the last checkpoint (at-least-once; `log.record.uid` lets the store drop the repeats).
 */
export function createFileFollower(opts: FollowerOptions): FileFollower {
  const pollMs = opts.pollMs ?? 500;
  const globRescanMs = opts.globRescanMs ?? 5_000;
  const checkpointMs = opts.checkpointMs ?? 1_000;
  const tailers = new Map<string, { tailer: FileTailer; spec: FollowSpec; glob: boolean }>();
  const watchers = new Map<string, fs.FSWatcher>();
  const recentEvents: FollowerStatus['recentEvents'] = [];
  let specs: FollowSpec[] = [];
  let loaded = new Map<string, SavedOffset[]>();
  let offsetsProblem: string | null = null;
  let offsetsError: string | null = null;
  let lastSaved = '';
  let linesRead = 0;
  let firstResolve = true;
  let rescanDue = true;
  let lastRescan = 0;
  let lastCheckpoint = 0;
  let timer: Timer | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;

  function onEvent(e: TailEvent): void {
    recentEvents.push({ ...e, at: opts.clock.now() });
    if (recentEvents.length > EVENTS_KEPT) recentEvents.shift();
    const level = e.kind === 'lost' || e.kind === 'error' || e.kind === 'deleted' ? 'warn' : 'info';
    opts.logger[level]({ file: e.path, event: e.kind }, e.message);
  }

  function addTailer(file: string, spec: FollowSpec, isGlob: boolean): void {
    const saved = loaded.get(file) ?? [];
    loaded.delete(file);
    const tailer = createFileTailer({
      path: file,
      clock: opts.clock,
      maxLineBytes: opts.maxLineBytes ?? 1024 * 1024,
      maxReadBytes: opts.maxReadBytesPerPoll ?? 4 * 1024 * 1024,
      renameGraceMs: opts.renameGraceMs ?? 5_000,
      // A file that appears after the first start is new: read it whole.
      startAt: firstResolve ? (opts.startAt ?? 'beginning') : 'beginning',
      saved,
      onEvent,
    });
    tailers.set(file, { tailer, spec, glob: isGlob });
  }

  async function resolve(): Promise<void> {
    const wanted = new Map<string, { spec: FollowSpec; glob: boolean }>();
    for (const spec of specs) {
      if (!isDynamicPattern(spec.path)) {
        if (!wanted.has(spec.path)) wanted.set(spec.path, { spec, glob: false });
        continue;
      }
      let files: string[] = [];
      try {
        files = await glob(spec.path, { absolute: true, onlyFiles: true, expandDirectories: false });
      } catch (err) {
        opts.logger.warn({ err, glob: spec.path }, 'log glob could not be expanded');
      }
      for (const f of files) if (!ROTATED_NAME.test(f) && !wanted.has(f)) wanted.set(f, { spec, glob: true });
    }
    for (const [file, t] of tailers) {
      const w = wanted.get(file);
      // A glob's file that vanished is kept until its tailer has read what was left of it.
      if (!w && (!t.glob || !specs.includes(t.spec) || t.tailer.finished)) {
        await t.tailer.close();
        tailers.delete(file);
      } else if (w && w.spec !== t.spec) {
        t.spec = w.spec;
      }
    }
    for (const [file, w] of wanted) if (!tailers.has(file)) addTailer(file, w.spec, w.glob);
    firstResolve = false;
    lastRescan = opts.clock.now();
    rescanDue = false;
    if (opts.watch ?? true) syncWatchers();
  }

  function syncWatchers(): void {
    const dirs = new Set(specs.map((s) => watchDir(s.path)));
    for (const [dir, w] of watchers) {
      if (!dirs.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        const w = fs.watch(dir, { persistent: false }, () => {
          rescanDue = true;
          wake();
        });
        w.on('error', () => {
          w.close();
          watchers.delete(dir);
        });
        watchers.set(dir, w);
      } catch {
        // The directory does not exist yet (or cannot be watched here): polling finds the file when it appears.
      }
    }
  }

  async function tickOnce(): Promise<boolean> {
    if (rescanDue || opts.clock.now() - lastRescan >= globRescanMs) await resolve();
    let behind = false;
    for (const [file, t] of tailers) {
      const lines = await t.tailer.poll();
      behind ||= t.tailer.behind;
      if (lines.length === 0) continue;
      linesRead += lines.length;
      try {
        await opts.deliver({ spec: t.spec, file, lines, readTimeUs: opts.clock.now() * 1000 });
      } catch (err) {
        opts.logger.error({ err, file }, 'delivering log lines failed');
      }
    }
    if (opts.clock.now() - lastCheckpoint >= checkpointMs) await saveOffsets();
    return behind;
  }

  async function saveOffsets(): Promise<void> {
    lastCheckpoint = opts.clock.now();
    const snapshot = new Map<string, SavedOffset[]>();
    for (const [file, t] of tailers) {
      const list = t.tailer.positions();
      if (list.length) snapshot.set(file, list);
    }
    // Paths named in the offsets file but not followed right now (a glob not expanded yet) keep their entries.
    for (const [file, list] of loaded) if (!snapshot.has(file)) snapshot.set(file, list);
    const body = JSON.stringify([...snapshot]);
    if (body === lastSaved) return;
    try {
      await opts.beforeCheckpoint?.();
      await opts.offsets.save(snapshot);
      lastSaved = body;
      if (offsetsError) opts.logger.info({ file: opts.offsets.file }, 'log offsets saved again');
      offsetsError = null;
    } catch (err) {
      const message = (err as Error).message;
      if (message !== offsetsError) opts.logger.error({ err, file: opts.offsets.file }, 'log offsets could not be saved; lines read since the last save will be read again after a restart');
      offsetsError = message;
    }
  }

  function schedule(ms: number): void {
    if (stopped) return;
    if (timer) opts.clock.clearTimeout(timer);
    timer = opts.clock.setTimeout(() => {
      timer = null;
      void run();
    }, ms);
  }

  function wake(): void {
    if (!running) schedule(10);
  }

  function run(): Promise<void> {
    if (running) return running;
    running = (async () => {
      let behind = false;
      try {
        behind = await tickOnce();
      } catch (err) {
        opts.logger.error({ err }, 'log follower tick failed');
      } finally {
        running = null;
      }
      schedule(behind ? 0 : pollMs);
    })();
    return running;
  }

  return {
    async start(initial) {
      const { offsets, problem } = await opts.offsets.load();
      loaded = offsets;
      offsetsProblem = problem;
      if (problem) opts.logger.warn({ file: opts.offsets.file }, problem);
      specs = initial;
      stopped = false;
      rescanDue = true;
      await run();
    },
    setSpecs(next) {
      specs = next;
      rescanDue = true;
      wake();
    },
    async tick() {
      await running;
      await run();
    },
    async checkpoint() {
      await running;
      await saveOffsets();
    },
    async stop() {
      stopped = true;
      if (timer) opts.clock.clearTimeout(timer);
      timer = null;
      await running;
      for (const w of watchers.values()) w.close();
      watchers.clear();
      await saveOffsets();
      for (const t of tailers.values()) await t.tailer.close();
      tailers.clear();
    },
    status() {
      const files = [...tailers].map(([file, t]) => {
        const st = t.tailer.status();
        // A deleted file cannot be read now: say so where logs:status shows a file's problem (until a new file appears there).
        const error = st.error ?? (st.state === 'deleted' ? deletedProblem(file) : null);
        return { file, service: t.spec.service, source: t.spec.source, ...st, error };
      });
      return { files, linesRead, offsetsError, offsetsProblem, recentEvents: [...recentEvents] };
    },
  };
}
