import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CLI } from './serve';

/** One `notify-send` call as the stand-in recorded it. */
export interface NotifySendCall {
  /** Epoch ms when notify-send ran. */
  at: number;
  args: string[];
}

export interface NotifySendStandIn {
  dir: string;
  calls(): Promise<NotifySendCall[]>;
  /** Calls whose title (first argument) matches. */
  matching(title: RegExp): Promise<NotifySendCall[]>;
  /** Put the previous PATH back. */
  restore(): void;
}

/**
 * A `notify-send` stand-in first on PATH (inherited by `lookout serve` started afterwards): node-notifier
 * runs it on Linux, and it appends one JSON line per call with the time and its arguments.
 */
export async function notifySendStandIn(): Promise<NotifySendStandIn> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-notify-send-'));
  const log = path.join(dir, 'calls.jsonl');
  await writeFile(
    path.join(dir, 'notify-send'),
    `#!${process.execPath}\nrequire('fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify({ at: Date.now(), args: process.argv.slice(2) }) + '\\n');\n`,
  );
  await chmod(path.join(dir, 'notify-send'), 0o755);
  const oldPath = process.env.PATH;
  process.env.PATH = `${dir}:${oldPath}`;
  const calls = async () => {
    const text = await readFile(log, 'utf8').catch(() => '');
    return text.trim() ? text.trim().split('\n').map((l) => JSON.parse(l) as NotifySendCall) : [];
  };
  return {
    dir,
    calls,
    matching: async (title) => (await calls()).filter((c) => title.test(c.args[0] ?? '')),
    restore: () => {
      process.env.PATH = oldPath;
    },
  };
}

/**
 * The reference GUI server (`lookout demo-service gui`, from the built CLI) on a fixed port, so a
 * restart comes back at the same scrape target. Crash it with POST /admin/faults {"crash":true}.
 */
export function startGuiService(port: number, logFile: string): ChildProcess {
  return spawn(process.execPath, [CLI, 'demo-service', 'gui', '--port', String(port), '--llm-url', `http://127.0.0.1:${port}`, '--log', logFile], { stdio: 'ignore' });
}

/** Ask a reference service to crash (it answers 202, then exits). */
export async function crashService(port: number): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/admin/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"crash":true}' });
  if (res.status !== 202) throw new Error(`crash request to 127.0.0.1:${port} answered ${res.status}: ${await res.text()}`);
}
