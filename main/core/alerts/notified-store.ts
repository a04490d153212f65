import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { writeFileAtomic } from '../atomic-write';
import type { NotifiedState } from './decide';

/**
 * What Lookout already notified, in alerts/notified.json, so a restart does not notify twice.
 * Written before a notification is shown: a crash in between loses one notification rather than
 * repeating it. A file that cannot be read starts empty and says so in the log.
 */
export class NotifiedStore {
  private state: NotifiedState = {};
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {}

  get current(): NotifiedState {
    return this.state;
  }

  async load(): Promise<void> {
    try {
      const raw = JSON.parse(await readFile(this.file, 'utf8')) as { version?: number; groups?: NotifiedState };
      this.state = raw.version === 1 && raw.groups && typeof raw.groups === 'object' ? raw.groups : {};
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn({ err, file: this.file }, 'notified-alerts file unreadable; starting empty');
      this.state = {};
    }
  }

  /** Replace the state and write it (atomically; writes are serialised). */
  save(state: NotifiedState): Promise<void> {
    this.state = state;
    const text = `${JSON.stringify({ version: 1, groups: state }, null, 2)}\n`;
    this.writing = this.writing.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, text);
    });
    return this.writing;
  }
}
