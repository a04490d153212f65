/**
 * The `lookout` command: `serve` runs the core headless with the UI in a browser tab; the other
 * commands are thin clients of a running instance (found through its serve file) or of core functions.
 * Each command lives in main/cli/ with its own flags, so a flag another command takes is refused.
 * Exit codes: 0 ok, 1 failure, 2 usage, 3 no running instance.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CliError, commandHelp, EXIT, GLOBAL_OPTIONS, GLOBAL_USAGE, useHome, type Command } from './cli/command';
import { backupCommand } from './cli/backup';
import { demoCommand } from './cli/demo';
import { doctorCommand } from './cli/doctor';
import { configCommand, dashboardsCommand } from './cli/files';
import { secretsCommand } from './cli/secrets';
import { installCommand } from './cli/install';
import { logsCommand } from './cli/logs';
import { serveCommand } from './cli/serve';
import { stackCommand } from './cli/stack';
import { traceCommand, tracesCommand } from './cli/traces';
import { runReferenceService } from './reference/service-main';

export { formatStack } from './cli/stack';

const COMMANDS: Command[] = [serveCommand, stackCommand, doctorCommand, installCommand, backupCommand, logsCommand, tracesCommand, traceCommand, configCommand, dashboardsCommand, demoCommand, secretsCommand];

const USAGE = `Usage: lookout <command> [options]

Commands:
${COMMANDS.map((c) => c.usage).join('')}
${GLOBAL_USAGE}`;


/** Run the CLI; resolves to the exit code (serve resolves only when it has shut down). */
export async function main(argv: string[]): Promise<number> {
  // Internal: one reference service as a child of `lookout demo`, with options of its own.
  if (argv[0] === 'demo-service') return runReferenceService(argv.slice(1));
  // The command is the first word that is not a flag or the value of a global flag (--home DIR).
  const name = parseArgs({ args: argv, allowPositionals: true, strict: false, options: GLOBAL_OPTIONS }).positionals[0];
  if (name === undefined || name === 'help') {
    const help = argv.includes('--help') || argv.includes('-h') || name === 'help';
    (help ? process.stdout : process.stderr).write(help ? USAGE : `missing command\n\n${USAGE}`);
    return help ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`unknown command: ${name}\n\n${USAGE}`);
    return EXIT.usage;
  }
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...GLOBAL_OPTIONS, ...command.options } }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${commandHelp(command.usage)}`);
    return EXIT.usage;
  }
  if (values.help) {
    process.stdout.write(commandHelp(command.usage));
    return EXIT.ok;
  }
  useHome(typeof values.home === 'string' ? values.home : undefined);
  try {
    return await command.run(positionals.slice(positionals.indexOf(name) + 1), values);
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`lookout: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failure;
  }
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

/**
 * Exit once stdout and stderr have handed everything to the OS. Writes to a pipe are asynchronous here,
 * so exiting at once cut a large `--json` answer at whatever the pipe had taken; process.exit is still
 * needed, since a command may leave a socket or timer behind. Each stream's callbacks run in order, so an
 * empty write's comes after every earlier write.
 */
function exitWhenFlushed(code: number): void {
  let open = 2;
  const done = () => {
    if (--open === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

// Not when a test imports `main` or `formatStack`.
if (isEntryPoint()) {
  // A reader that went away (`lookout … | head`) fails the writes still under way with EPIPE: that is not the
  // command's failure, and without a listener it would end the process with a stack trace.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  main(process.argv.slice(2)).then(exitWhenFlushed, (err: unknown) => {
    process.stderr.write(`lookout: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    exitWhenFlushed(EXIT.failure);
  });
}
