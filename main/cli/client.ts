import { ApiError, ApiTimeoutError, ApiUnreachableError, createHttpClient, type HttpClient } from '../../common/http-client';
import { readServeFile } from '../server/serve-file';
import { CliError, EXIT, homePaths } from './command';

/** A client of the running instance of this home, or exit 3 saying how to start one. */
export async function connect(opts: { timeoutMs?: number } = {}): Promise<HttpClient> {
  const paths = homePaths();
  const info = await readServeFile(paths);
  if (!info) {
    throw new CliError(
      `No running Lookout found for ${paths.home}.\nStart one with: lookout serve${process.env.LOOKOUT_HOME ? ` --home ${paths.home}` : ''}`,
      EXIT.notRunning,
    );
  }
  return createHttpClient({ baseUrl: info.url, token: info.token, timeoutMs: opts.timeoutMs });
}

/**
 * Turn transport errors into exit codes: nothing answers → 3 (start one); it answers too slowly → 1
 * (it is running, only busy: saying "start one" would be wrong); a refused request → 2; else 1.
 */
export async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiUnreachableError) throw new CliError(`${err.message}\nStart one with: lookout serve`, EXIT.notRunning);
    if (err instanceof ApiTimeoutError) throw new CliError(`lookout: ${err.message}; it is running but busy. Try again, or see lookout stack status.`, EXIT.failure);
    if (err instanceof ApiError) throw new CliError(`lookout: ${err.message}`, err.status === 400 ? EXIT.usage : EXIT.failure);
    throw err;
  }
}

/** Print a result as JSON or as text. */
export function print(json: boolean | undefined, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text());
}
