import path from 'node:path';
import { z } from 'zod';
import { nodeFs, type LogFs } from '../fs-port';
import type { FileIdentity } from './identity';

/** Where reading of one file stopped: everything before `offset` has been handed on. */
export interface SavedOffset extends FileIdentity {
  offset: number;
}

const entry = z.object({ dev: z.number(), ino: z.number(), head: z.string().nullable(), offset: z.number().int().nonnegative() });
const fileSchema = z.object({ version: z.literal(1), files: z.record(z.string(), z.array(entry)) });

/** The offsets file: for each followed path, the files read there (the live one, and one renamed away but not finished). */
export interface OffsetsStore {
  readonly file: string;
  /** Saved positions by path; an absent, unreadable or invalid file is an empty map and a `problem`. */
  load(): Promise<{ offsets: Map<string, SavedOffset[]>; problem: string | null }>;
  /** Replace the file atomically (temp file, fsync, rename): a crash leaves the old or the new one, never half of one. */
  save(offsets: Map<string, SavedOffset[]>): Promise<void>;
}

export function createOffsetsStore(dir: string, fs: LogFs = nodeFs): OffsetsStore {
  const file = path.join(dir, 'offsets.json');
  return {
    file,
    async load() {
      let text: string;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { offsets: new Map(), problem: null };
        return { offsets: new Map(), problem: `${file} cannot be read (${(err as Error).message}); every file is read from its start` };
      }
      try {
        const parsed = fileSchema.parse(JSON.parse(text));
        return { offsets: new Map(Object.entries(parsed.files)), problem: null };
      } catch (err) {
        return { offsets: new Map(), problem: `${file} is not a valid offsets file (${(err as Error).message.split('\n')[0]}); every file is read from its start` };
      }
    },
    async save(offsets) {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.tmp`;
      const body = JSON.stringify({ version: 1, files: Object.fromEntries(offsets) });
      const handle = await fs.open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(body);
        await handle.sync();
      } catch (err) {
        await handle.close().catch(() => undefined);
        await fs.unlink(tmp).catch(() => undefined);
        throw new Error(`saving log offsets to ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      await handle.close();
      await fs.rename(tmp, file);
    },
  };
}
