import { mkdirSync, readFileSync } from 'node:fs';
import { createLookoutLogStream } from '../logs/rotate/lookout-log-stream';
import { prepareHome } from '../paths';
import { defaultSettings } from '../settings/schema';
import { parseSettings } from '../settings/store';
import { sizeBytes } from '../settings/units';
import pino, { type Logger } from 'pino';
import type { Paths } from '../paths';
import { serviceLogOptions } from './log-schema';

/**
 * Lookout's own JSON log at $LOOKOUT_HOME/logs/lookout.log. Secrets never reach it: the API token
 * travels only in headers and files, and the redact list catches it if an object carries one anyway.
 * The menubar app's shell logs to a file of its own (`lookout-shell.log`, service `lookout-shell`): its
 * core host writes lookout.log, and a rotating file has one writer.
 */
export function createLogger(paths: Paths, level = process.env.LOOKOUT_LOG_LEVEL ?? 'info', as: { file: string; service: string } = { file: 'lookout.log', service: 'lookout' }): Logger {
  prepareHome(paths.home);
  mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 });
  // Rotated by its writer (gzip'd past logs.rotation.maxFileSize); age and total size are pruned with the
  // other logs (main/core/logs/rotate). The logger exists before the settings are loaded, so the size is
  // read from the file here, the default when it cannot be.
  const file = `${paths.logsDir}/${as.file}`;
  const destination = createLookoutLogStream(file, sizeBytes(maxFileSize(paths)), (err) => {
    process.stderr.write(`lookout: writing ${file} failed: ${err.message}\n`);
  });
  return pino(
    {
      // The kit's schema (level name, time, service, request/trace ids), like every instrumented service.
      ...serviceLogOptions(as.service, level),
      redact: { paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization'], censor: '[redacted]' },
    },
    destination,
  );
}

function maxFileSize(paths: Paths): string {
  try {
    const parsed = parseSettings(readFileSync(paths.settings, 'utf8'), paths.settings);
    if (parsed.ok) return parsed.settings.logs.rotation.maxFileSize;
  } catch {
    // no settings file yet
  }
  return defaultSettings().logs.rotation.maxFileSize;
}

/**
 * Write out what the logger still holds and close its file: the rotating stream writes asynchronously,
 * and a process that exits right after stopping would lose its last lines (the ones saying it stopped).
 */
export async function closeLogger(logger: Logger): Promise<void> {
  const stream = (logger as unknown as Record<symbol, NodeJS.WritableStream | undefined>)[pino.symbols.streamSym];
  if (!stream || typeof stream.end !== 'function') return logger.flush();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    stream.once('finish', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.end();
  });
}
