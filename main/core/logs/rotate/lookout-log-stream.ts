import path from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import { rotatedBase } from './rotated-name';

/**
 * The destination for Lookout's own pino log (logs/lookout.log), rotated by its writer with
 * rotating-file-stream: past `maxFileSize` the file is closed, gzip'd to `lookout.log.<stamp>.gz`,
 * removed and reopened, while writes wait in the stream's buffer. Lookout writes this file itself, so
 * unlike the components' logs it needs no copy-truncate and loses nothing to a race. Retention (age and
 * total size) is applied with the other logs by the rotation loop (rotation.ts), not by the stream, so
 * one policy covers every file.
 * Chosen over pino-roll: pino-roll numbers the live file itself (`lookout.1.log`, …), so the followed
 * path would change at every roll, and it does not compress.
 */
export function createLookoutLogStream(file: string, maxFileBytes: number, onError: (err: Error) => void): RotatingFileStream {
  const dir = path.dirname(file);
  // With a name generator rotating-file-stream adds no `.gz` itself.
  const stream = createStream((time, index) => (time ? `${path.basename(rotatedBase(file, new Date(time), index))}.gz` : path.basename(file)), {
    path: `${dir}${path.sep}`,
    size: `${Math.max(1, Math.ceil(maxFileBytes / 1024))}K`,
    compress: 'gzip',
    mode: 0o600,
  });
  // rotating-file-stream closes itself after an error (a full disk): say so rather than fail silently.
  stream.on('error', onError);
  return stream;
}
