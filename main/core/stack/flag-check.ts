import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CommandRunner } from '../ports';

/** Flag names (`--x.y`) whose value differs between two command lines, in the order of `next`. */
export function changedFlags(previous: string[], next: string[]): string[] {
  const name = (arg: string) => arg.split('=')[0]!;
  const before = new Map(previous.map((a) => [name(a), a]));
  return next.filter((a) => before.get(name(a)) !== a).map(name);
}

export interface DryRun {
  /** Flags pointing at files or dirs: replaced by a path inside a fresh temp dir (a config file that does not exist). */
  redirect: string[];
  /** The line the program prints when it refuses its flags; group 1 is the reason. */
  refusal: RegExp;
}

/**
 * Let a Prometheus-family binary parse its flags without starting it: the same flags, but the config
 * file pointed at a file that does not exist and the data dir at a temp dir, so it stops right after
 * parsing — with its flag error if it has one, else with "cannot load config". Neither opens a
 * listener before loading its config, and the listen address goes to port 0 anyway.
 */
export async function dryRunFlags(binary: string, args: string[], runner: CommandRunner, opts: DryRun): Promise<string | null> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-flags-'));
  try {
    const probeArgs = args.map((arg) => {
      const flag = arg.split('=')[0]!;
      if (flag === '--web.listen-address') return `${flag}=127.0.0.1:0`;
      return opts.redirect.includes(flag) ? `${flag}=${path.join(dir, flag.replace(/^-+/, ''))}` : arg;
    });
    const r = await runner.run(binary, probeArgs, { cwd: dir, timeoutMs: 10_000 });
    return opts.refusal.exec(`${r.stderr}\n${r.stdout}`)?.[1]?.trim() ?? null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
