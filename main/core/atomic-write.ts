import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Replace `file` with `content` so that a reader (or a crash) sees the old file or the new one, never
 * half of either: write a temp file beside it (a unique name, so two writers never share one), fsync
 * it, rename it over the target, then fsync the directory so the rename itself survives a power cut.
 * The temp file is removed when any step fails, so a refused write leaves nothing behind.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array, mode = 0o600): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(content);
      // The mode given to open is masked by the umask; the file holds settings or tokens, so set it exactly.
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(path.dirname(file));
}

async function syncDirectory(dir: string): Promise<void> {
  // Not every platform lets a directory be opened and synced (it is optional on some filesystems); the
  // rename has happened either way, so a failure here costs durability at worst, never correctness.
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // see above
  } finally {
    await handle.close();
  }
}
