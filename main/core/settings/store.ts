import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { Paths } from '../paths';
import { defaultSettings, describeIssues, settingsSchema, type Settings } from './schema';

/** The settings file, validated; the last valid version stays in force while the file on disk is broken. */
export interface SettingsStore {
  /** The settings in force: the last valid ones read, or the defaults. */
  current(): Settings;
  /** Why the file on disk is not in force (names the file and each bad field), or null when it is. */
  error(): string | null;
  /** Read the file; a missing file is created with the defaults, an invalid one sets error() and keeps current(). */
  load(): Promise<void>;
  /**
   * Follow edits to the file (call load() first: the home dir must exist). `onChange` runs when valid settings
   * differ from the ones in force, and also when an earlier error clears (so a shown error can be dismissed);
   * `onError` runs when the file turns invalid or its problem changes. Returns the function that stops watching.
   */
  watch(onChange: (settings: Settings) => void, onError: (message: string) => void): () => void;
}

/** Editors save in bursts (truncate, write, rename); wait for the burst to end before reading. */
const DEBOUNCE_MS = 200;

/** Offset of the first character JSON.parse rejects (the text's length when it merely ends too early). */
export function jsonErrorOffset(text: string): number {
  // V8 names a position for some errors only, so find the shortest prefix that is wrong rather than merely unfinished.
  const wrongAt = (len: number): boolean => {
    try {
      JSON.parse(text.slice(0, len));
      return false;
    } catch (e) {
      const msg = (e as Error).message;
      if (/^Unexpected end of JSON input/.test(msg)) return false;
      const pos = /at position (\d+)/.exec(msg);
      return !pos || Number(pos[1]) < len;
    }
  };
  let lo = 1;
  let hi = text.length;
  if (!wrongAt(hi)) return text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (wrongAt(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/** 1-based line and column of an offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export type ParsedSettings = { ok: true; settings: Settings } | { ok: false; error: string };

/** Parse and validate settings text; the error names `file` and every bad field (or the JSON error's line and column). */
export function parseSettings(text: string, file: string): ParsedSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    if (!text.trim()) return { ok: false, error: `${file} is empty` };
    const { line, column } = lineColumn(text, jsonErrorOffset(text));
    return { ok: false, error: `${file} is not valid JSON at line ${line}, column ${column}: ${(e as Error).message}` };
  }
  const result = settingsSchema.safeParse(raw);
  if (result.success) return { ok: true, settings: result.data };
  return { ok: false, error: `${file} has invalid settings:\n${describeIssues(result.error).map((l) => `  ${l}`).join('\n')}` };
}

export function createSettingsStore(paths: Paths, logger: Logger): SettingsStore {
  const file = paths.settings;
  let settings = defaultSettings();
  let problem: string | null = null;
  let everValid = false;

  const withConsequence = (message: string) =>
    `${message}\n${everValid ? 'The last valid settings stay in force.' : 'The default settings are in force.'}`;

  /** Read the file now; returns what happened so watch() can decide whom to tell. */
  async function read(): Promise<{ kind: 'changed' | 'same' | 'recovered' | 'error' | 'missing'; message?: string }> {
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') return { kind: 'missing' };
      return { kind: 'error', message: `${file} cannot be read: ${err.message}` };
    }
    const parsed = parseSettings(text, file);
    if (!parsed.ok) return { kind: 'error', message: parsed.error };
    const hadProblem = problem !== null;
    const differs = !isDeepStrictEqual(parsed.settings, settings);
    settings = parsed.settings;
    problem = null;
    everValid = true;
    return { kind: differs ? 'changed' : hadProblem ? 'recovered' : 'same' };
  }

  async function writeDefaults(): Promise<void> {
    await fsp.mkdir(paths.home, { recursive: true });
    const defaults = defaultSettings();
    // 'wx': never overwrite a file the user created in the meantime.
    await fsp.writeFile(file, `${JSON.stringify(defaults, null, 2)}\n`, { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    logger.info({ file }, 'wrote default settings');
  }

  return {
    current: () => settings,
    error: () => problem,

    async load() {
      let outcome = await read();
      if (outcome.kind === 'missing') {
        await writeDefaults();
        outcome = await read();
      }
      if (outcome.kind === 'error') {
        problem = withConsequence(outcome.message!);
        logger.warn({ file, error: problem }, 'settings file not in force');
      } else if (outcome.kind === 'missing') {
        problem = withConsequence(`${file} is missing`);
      }
    },

    watch(onChange, onError) {
      const name = path.basename(file);
      let timer: NodeJS.Timeout | null = null;
      let seq = 0;
      let closed = false;

      const reload = async () => {
        const mine = ++seq;
        const before = problem;
        let outcome;
        try {
          outcome = await read();
        } catch (e) {
          outcome = { kind: 'error' as const, message: `${file} cannot be read: ${(e as Error).message}` };
        }
        // A newer event superseded this read, or we were stopped: its result is stale.
        if (closed || mine !== seq) return;
        if (outcome.kind === 'changed' || outcome.kind === 'recovered') {
          logger.info({ file }, outcome.kind === 'changed' ? 'settings changed' : 'settings valid again');
          onChange(settings);
          return;
        }
        if (outcome.kind === 'same') return;
        const message = withConsequence(outcome.kind === 'missing' ? `${file} was removed` : outcome.message!);
        problem = message;
        if (message !== before) {
          logger.warn({ file, error: message }, 'settings file not in force');
          onError(message);
        }
      };

      // Watch the directory, not the file: editors that save by writing a new file and renaming it over
      // the old one would leave a file watcher on a deleted inode.
      const watcher = fs.watch(paths.home, { persistent: false }, (_event, filename) => {
        if (filename !== null && filename.toString() !== name) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          void reload();
        }, DEBOUNCE_MS);
      });
      watcher.on('error', (e) => {
        logger.warn({ err: e, dir: paths.home }, 'settings watcher failed');
        onError(`watching ${file} stopped: ${e.message}`);
      });
      return () => {
        closed = true;
        if (timer) clearTimeout(timer);
        watcher.close();
      };
    },
  };
}
