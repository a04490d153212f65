import type { LogRecord } from '../store/records';
import type { FollowedBatch } from './follow/follower';
import { parseLine } from './parse/parse-line';

/**
 * The records of a batch of followed lines. Each gets `log.record.uid` (OpenTelemetry's semantic
 * convention for "records with the same id are duplicates and can be dropped"): the file's content key
 * and the line's byte offset, so a line read again after a crash (at-least-once) has the same uid and
 * the store can drop the repeat. A cut line gets `log.truncated: true`.
 */
export function toRecords(batch: FollowedBatch): LogRecord[] {
  const ctx = { service: batch.spec.service, source: batch.spec.source, origin: batch.file, readTimeUs: batch.readTimeUs };
  const out: LogRecord[] = new Array(batch.lines.length);
  for (let i = 0; i < batch.lines.length; i++) {
    const line = batch.lines[i]!;
    const r = parseLine(line.text, ctx);
    r.attributes['log.record.uid'] = `${line.key}:${line.offset}`;
    if (line.truncated) r.attributes['log.truncated'] = true;
    out[i] = r;
  }
  return out;
}
