import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { paths as layout, resolveHome, type Paths } from '../core/paths';

/** Exit codes of every command: 0 ok, 1 failure, 2 usage, 3 no running instance. */
export const EXIT = { ok: 0, failure: 1, usage: 2, notRunning: 3 } as const;

/** A failure with the exit code it should end the process with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, unknown>;

/** One `lookout <name>` command with its own flags: a flag another command takes is refused here. */
export interface Command {
  name: string;
  /** Usage lines, as they appear in `lookout --help` and `lookout <name> --help`. */
  usage: string;
  options?: Options;
  /** Subcommands and arguments after the name; flags already parsed against `options`. */
  run(args: string[], flags: Values): Promise<number>;
}

/** What every command takes. */
export const GLOBAL_OPTIONS: Options = {
  home: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export const GLOBAL_USAGE = `Options (every command):
  --home DIR                   Lookout home (sets LOOKOUT_HOME)
  -h, --help                   Show help (of one command with lookout <command> --help)
`;

/** A command's help: its usage lines and the options every command takes. */
export const commandHelp = (usage: string): string => `Usage: lookout ${usage.trimStart()}\n${GLOBAL_USAGE}`;

export function usageError(message: string, usage: string): CliError {
  return new CliError(`${message}\n\n${commandHelp(usage)}`, EXIT.usage);
}

export function homePaths(): Paths {
  return layout(resolveHome());
}

/** Set before anything resolves the home, so every part of this process agrees on it. */
export function useHome(dir: string | undefined): void {
  if (dir) process.env.LOOKOUT_HOME = path.resolve(dir);
}

export function expectArgs(command: string, rest: string[], usage: string, max = 0): void {
  if (rest.length > max) throw usageError(`lookout ${command} takes ${max ? `at most ${max} argument${max > 1 ? 's' : ''}` : 'no arguments'} (got ${rest.join(' ')})`, usage);
}

/** A flag's string value (parseArgs types them loosely). */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function parsePort(value: string, usage: string, flag = '--port'): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw usageError(`${flag} must be a number from 0 to 65535 (got ${value})`, usage);
  return port;
}
