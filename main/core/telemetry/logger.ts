import { mkdirSync } from 'node:fs';
import { prepareHome } from '../paths';
import pino, { type Logger } from 'pino';
import type { Paths } from '../paths';
import { serviceLogOptions } from './log-schema';

/**
 * Lookout's own JSON log at $LOOKOUT_HOME/logs/lookout.log. Secrets never reach it: the API token
 * travels only in headers and files, and the redact list catches it if an object carries one anyway.
 */
export function createLogger(paths: Paths, level = process.env.LOOKOUT_LOG_LEVEL ?? 'info'): Logger {
  prepareHome(paths.home);
  mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 });
  const destination = pino.destination({ dest: `${paths.logsDir}/lookout.log`, mkdir: true, sync: false, mode: 0o600 });
  return pino(
    {
      // The kit's schema (level name, time, service, request/trace ids), like every instrumented service.
      ...serviceLogOptions('lookout', level),
      redact: { paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization'], censor: '[redacted]' },
    },
    destination,
  );
}
