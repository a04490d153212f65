/**
 * The backup archive: one tar.gz whose first entry is manifest.json (so `list` reads only the head),
 * followed by the files it lists with their sizes and sha256. Unpacking is refused unless every entry is
 * a plain file or directory inside the archive, and then every file is checked against the manifest —
 * nothing missing, nothing extra, every checksum right — before anything outside the staging dir is touched.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar';
import { MANIFEST_FILE, manifestSchema, type Manifest } from './manifest';

/** An archive that cannot be trusted; nothing was changed because of it. */
export class BackupArchiveError extends Error {
  override readonly name = 'BackupArchiveError';
}

/** sha256 (hex) and size of a file, streamed. */
export async function fileDigest(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    size += chunk.length;
    hash.update(chunk);
  }
  return { size, sha256: hash.digest('hex') };
}

/** Every regular file under dir, as sorted POSIX paths relative to it. */
export async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (e.isFile()) out.push(rel);
    else throw new Error(`${rel}: not a regular file or directory; backups hold only those`);
  }
  return out.sort();
}

/** The manifest's files list for everything in `staging` (the manifest itself excepted). */
export async function describeFiles(staging: string): Promise<Manifest['files']> {
  const files: Manifest['files'] = [];
  for (const rel of await listFiles(staging)) {
    if (rel === MANIFEST_FILE) continue;
    files.push({ path: rel, ...(await fileDigest(path.join(staging, ...rel.split('/')))) });
  }
  return files;
}

/**
 * Write `staging` (manifest.json already in it) as `target`: into a .partial file, renamed once
 * complete, so a crash never leaves something that looks like a finished backup. 0600.
 */
export async function packArchive(staging: string, target: string): Promise<void> {
  const entries = (await readdir(staging)).filter((n) => n !== MANIFEST_FILE).sort();
  const partial = `${target}.partial`;
  try {
    await tar.c({ gzip: true, cwd: staging, file: partial, portable: true }, [MANIFEST_FILE, ...entries]);
    // It may hold encrypted secrets and the whole history: readable by the owner only.
    await chmod(partial, 0o600);
    await rename(partial, target);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

/**
 * Only the manifest, from the archive's first entry; the rest is not decompressed. The streams are fed by
 * hand and dropped once the manifest is in: a pipeline torn down halfway leaves no promise to wait on.
 */
export async function readManifest(file: string): Promise<Manifest> {
  const text = await new Promise<string>((resolve, reject) => {
    const input = createReadStream(file);
    const gunzip = createGunzip();
    let done = false;
    const finish = (err: Error | null, value?: string) => {
      if (done) return;
      done = true;
      input.destroy();
      gunzip.destroy();
      if (err) reject(new BackupArchiveError(`${file} is not a readable backup: ${err.message}`));
      else resolve(value!);
    };
    let first = true;
    const parser = new tar.Parser({
      strict: true,
      onReadEntry: (entry) => {
        if (!first) return finish(new Error(`${MANIFEST_FILE} is not its first entry`));
        first = false;
        if (entry.path !== MANIFEST_FILE) return finish(new Error(`its first entry is ${entry.path}, not ${MANIFEST_FILE}`));
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => finish(null, Buffer.concat(chunks).toString('utf8')));
      },
    });
    parser.on('error', (err: Error) => finish(err));
    parser.on('end', () => finish(new Error(`no ${MANIFEST_FILE} in it`)));
    input.on('error', (err) => finish(err));
    gunzip.on('error', (err) => finish(err));
    gunzip.on('data', (c: Buffer) => {
      if (!done) parser.write(c);
    });
    gunzip.on('end', () => {
      if (!done) parser.end();
    });
    input.pipe(gunzip);
  });
  return parseManifest(text, file);
}

function parseManifest(text: string, file: string): Manifest {
  try {
    return manifestSchema.parse(JSON.parse(text));
  } catch (err) {
    throw new BackupArchiveError(`${file}: ${MANIFEST_FILE} is not a Lookout backup manifest (${(err as Error).message.slice(0, 300)})`);
  }
}

const SAFE_TYPES = new Set(['File', 'OldFile', 'Directory']);
const META_TYPES = new Set(['ExtendedHeader', 'GlobalExtendedHeader', 'NextFileHasLongPath', 'NextFileHasLongLinkpath']);

/** Why an entry does not belong in a backup, or null. */
function entryProblem(p: string, type: string): string | null {
  if (META_TYPES.has(type)) return null;
  const norm = path.posix.normalize(p.replace(/^\.\/+/, ''));
  if (!SAFE_TYPES.has(type)) return `${p}: ${type} entries are not allowed`;
  if (norm.startsWith('/') || norm.split('/').includes('..')) return `${p}: path leaves the archive`;
  return null;
}

/**
 * Read the whole archive once without writing anything: gzip's CRC and tar's header checksums must
 * hold, the manifest must come first, every entry must be safe, and every file must have the manifest's
 * size and sha256, with none missing or extra. Throws BackupArchiveError naming what is wrong.
 */
export async function verifyArchive(file: string): Promise<Manifest> {
  let manifest: Manifest | null = null;
  let first = true;
  const problems: string[] = [];
  const seen = new Map<string, { size: number; sha256: string }>();
  const hashing: Array<Promise<void>> = [];
  const parser = new tar.Parser({
    strict: true,
    onReadEntry: (entry) => {
      const isFirst = first;
      first = false;
      const problem = entryProblem(entry.path, entry.type);
      if (problem) {
        problems.push(problem);
        entry.resume();
        return;
      }
      if (entry.type === 'Directory' || META_TYPES.has(entry.type)) {
        entry.resume();
        return;
      }
      const rel = path.posix.normalize(entry.path.replace(/^\.\/+/, ''));
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let size = 0;
      hashing.push(
        new Promise<void>((resolve) => {
          entry.on('data', (c: Buffer) => {
            size += c.length;
            hash.update(c);
            if (isFirst) chunks.push(c);
          });
          entry.on('end', () => {
            if (isFirst && rel === MANIFEST_FILE) {
              try {
                manifest = parseManifest(Buffer.concat(chunks).toString('utf8'), file);
              } catch (err) {
                problems.push((err as Error).message);
              }
            } else if (seen.has(rel)) problems.push(`${rel} appears twice`);
            else seen.set(rel, { size, sha256: hash.digest('hex') });
            resolve();
          });
        }),
      );
    },
  });
  try {
    await pipeline(createReadStream(file), createGunzip(), parser);
    await Promise.all(hashing);
  } catch (err) {
    throw new BackupArchiveError(`${file} is not a readable backup (truncated or corrupted?): ${(err as Error).message}`);
  }
  if (problems.length) throw new BackupArchiveError(`${file} is not a backup Lookout can trust: ${problems.slice(0, 5).join('; ')}`);
  const m = manifest as Manifest | null;
  if (!m) throw new BackupArchiveError(`${file} has no ${MANIFEST_FILE} as its first entry`);
  const wrong: string[] = [];
  for (const f of m.files) {
    const got = seen.get(f.path);
    seen.delete(f.path);
    if (!got) wrong.push(`${f.path} is missing`);
    else if (got.size !== f.size) wrong.push(`${f.path}: ${got.size} bytes, the manifest says ${f.size}`);
    else if (got.sha256 !== f.sha256) wrong.push(`${f.path}: sha256 differs from the manifest`);
  }
  for (const extra of seen.keys()) wrong.push(`${extra} is not in the manifest`);
  if (wrong.length) throw new BackupArchiveError(`${file} does not match its manifest: ${wrong.slice(0, 5).join('; ')}${wrong.length > 5 ? ` (and ${wrong.length - 5} more)` : ''}`);
  return m;
}

/**
 * Verify `file` (verifyArchive: nothing is written for a bad archive), then unpack it into `dir` (created;
 * must not exist) and check that what landed there has the manifest's files and sizes. On any failure
 * `dir` is removed again.
 */
export async function unpackVerified(file: string, dir: string): Promise<Manifest> {
  const manifest = await verifyArchive(file);
  await mkdir(dir, { recursive: false, mode: 0o700 });
  try {
    try {
      await pipeline(
        createReadStream(file),
        tar.x({ cwd: dir, strict: true, preserveOwner: false, filter: (p, entry) => entryProblem(p, (entry as { type?: string }).type ?? 'File') === null }),
      );
    } catch (err) {
      throw new BackupArchiveError(`${file} could not be unpacked into ${dir}: ${(err as Error).message}`);
    }
    const want = new Map(manifest.files.map((f) => [f.path, f.size]));
    const have = (await listFiles(dir)).filter((p) => p !== MANIFEST_FILE);
    const sizes = await Promise.all(have.map(async (p) => [p, (await stat(path.join(dir, ...p.split('/')))).size] as const));
    const off = sizes.filter(([p, size]) => want.get(p) !== size).map(([p]) => p);
    if (off.length || have.length !== want.size) throw new BackupArchiveError(`${file} changed while it was unpacked (${off.slice(0, 3).join(', ') || 'file count'})`);
    return manifest;
  } catch (err) {
    // Writes still in flight after an error land in dir: retry until it is gone.
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    throw err;
  }
}

/** Write a JSON file into the staging dir (0600). */
export async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

/** Size of a file, or 0 when it is gone. */
export const sizeOf = async (file: string): Promise<number> => (await stat(file).catch(() => null))?.size ?? 0;
