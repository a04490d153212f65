import type { LogRecord } from '../store/records';

/**
 * Makes at-least-once delivery exactly-once in the store. The follower saves its read offsets only
 * after the store has the lines, so a crash in between makes it read some lines again; each line's
 * `log.record.uid` is `<file content key>:<byte offset>`, and a line at or below the highest offset the
 * store already holds for its file is a repeat. Records without a uid (OTLP) always pass.
 */
export interface OffsetFilter {
  /** The highest stored offset per file key, read from the store at start. */
  seed(stored: Map<string, number>): void;
  /** The records that are not repeats, in order. */
  keep(records: LogRecord[]): LogRecord[];
}

export function createOffsetFilter(): OffsetFilter {
  const highest = new Map<string, number>();
  return {
    seed(stored) {
      for (const [key, offset] of stored) highest.set(key, Math.max(offset, highest.get(key) ?? -1));
    },
    keep(records) {
      return records.filter((r) => {
        const uid = r.attributes['log.record.uid'];
        if (typeof uid !== 'string') return true;
        const at = uid.lastIndexOf(':');
        const key = uid.slice(0, at);
        const offset = Number(uid.slice(at + 1));
        if (at < 0 || !Number.isFinite(offset)) return true;
        if (offset <= (highest.get(key) ?? -1)) return false;
        highest.set(key, offset);
        return true;
      });
    },
  };
}
