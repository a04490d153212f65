import { appendFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { NotificationLogEntry } from '../../../common/model';

/** Past this size the log is rotated: the current file becomes `.1` (replacing the older one). */
export const NOTIFICATION_LOG_MAX_BYTES = 1024 * 1024;

/**
 * Lookout's notification log: one JSON object per line in alerts/notifications.jsonl, every
 * notification shown, held back (quiet hours) or failed. Two files at most (current and `.1`).
 */
export class NotificationLog {
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly maxBytes = NOTIFICATION_LOG_MAX_BYTES,
  ) {}

  /** Append one entry (serialised, so lines never interleave). */
  append(entry: NotificationLogEntry): Promise<void> {
    const line = `${JSON.stringify(entry)}\n`;
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        await mkdir(path.dirname(this.file), { recursive: true });
        const size = await stat(this.file).then((s) => s.size, () => 0);
        if (size > 0 && size + line.length > this.maxBytes) await rename(this.file, `${this.file}.1`);
        await appendFile(this.file, line, { mode: 0o600 });
      });
    return this.writing;
  }

  /** Entries between `from` and `to` (epoch ms), newest first, at most `limit`. Unparsable lines are skipped. */
  async read(from: number, to: number, limit = 500): Promise<NotificationLogEntry[]> {
    await this.writing.catch(() => undefined);
    const out: NotificationLogEntry[] = [];
    for (const file of [`${this.file}.1`, this.file]) {
      const text = await readFile(file, 'utf8').catch(() => '');
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          const entry = JSON.parse(line) as NotificationLogEntry;
          if (typeof entry.at === 'number' && entry.at >= from && entry.at <= to) out.push(entry);
        } catch {
          // a line cut short by a crash
        }
      }
    }
    return out.sort((a, b) => b.at - a.at).slice(0, limit);
  }
}
