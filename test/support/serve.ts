import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { waitFor } from './stack-env';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'main', 'cli.js');

export interface ServeInfo {
  url: string;
  port: number;
  token: string;
  pid: number;
}

export interface RunningServe {
  child: ChildProcess;
  info: ServeInfo;
  /** The URL `lookout serve` printed for the user (with #token=). */
  printedUrl: string;
  output(): string;
  /** SIGTERM and wait; resolves with the exit code, or 'timeout'. */
  stop(timeoutMs?: number): Promise<number | null | 'timeout'>;
}

/** Run the built `lookout serve` on a home, as a user would, and wait until it has published serve.json. */
export async function startServe(home: string): Promise<RunningServe> {
  const child = spawn(process.execPath, [CLI, 'serve'], { cwd: ROOT, env: { ...process.env, LOOKOUT_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const info = await waitFor('serve.json', async () => {
    if (child.exitCode !== null) throw new Error(`lookout serve exited early (code ${child.exitCode}):\n${output}`);
    const text = await readFile(path.join(home, 'serve.json'), 'utf8').catch(() => null);
    return text ? (JSON.parse(text) as ServeInfo) : null;
  }, 20_000);
  const printedUrl = await waitFor('the URL line on stdout', () => /Lookout is running: (\S+)/.exec(output)?.[1] ?? null, 5_000);
  return {
    child,
    info,
    printedUrl,
    output: () => output,
    async stop(timeoutMs = 20_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const result = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs))]);
      // Never leave a serve behind: it would keep supervising (and respawning) after the test.
      if (result === 'timeout') child.kill('SIGKILL');
      return result;
    },
  };
}
