import { createReadStream } from 'node:fs';
import { access, constants as fsc, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { cancelled, fsFailure, InstallError } from './errors';

/** Bounds on what an archive may contain; the real ones are a few files of tens of MB. */
export interface UnpackLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
}

export const DEFAULT_LIMITS: UnpackLimits = { maxEntries: 10_000, maxEntryBytes: 2 * 1024 ** 3, maxTotalBytes: 4 * 1024 ** 3 };

const OK_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);
// Headers that describe the next entry rather than being one; node-tar applies them itself.
const META_TYPES = new Set(['ExtendedHeader', 'GlobalExtendedHeader', 'OldExtendedHeader', 'NextFileHasLongPath', 'NextFileHasLongLinkpath']);

interface EntryLike {
  path: string;
  type: string;
  size: number;
  linkpath?: string;
}

/**
 * Why one archive entry is refused, or null when it is safe: it must sit inside `topDir`, be a file,
 * directory, or a link whose target stays inside `topDir`, and not be absurdly large.
 */
export function entryProblem(entry: EntryLike, topDir: string, limits: UnpackLimits = DEFAULT_LIMITS): string | null {
  if (META_TYPES.has(entry.type)) return null;
  const raw = entry.path.replace(/^\.\/+/, '');
  if (raw.startsWith('/') || /^[a-zA-Z]:/.test(raw) || raw.includes('\\')) return `${entry.path}: absolute or non-POSIX path`;
  if (raw.split('/').includes('..')) return `${entry.path}: path escapes the archive with ".."`;
  const norm = path.posix.normalize(raw).replace(/\/+$/, '');
  if (norm !== topDir && !norm.startsWith(`${topDir}/`)) return `${entry.path}: outside the expected directory ${topDir}/`;
  if (!OK_TYPES.has(entry.type)) return `${entry.path}: ${entry.type} entries are not allowed`;
  if (entry.size > limits.maxEntryBytes) return `${entry.path}: ${entry.size} bytes is more than any release binary`;
  if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
    const target = entry.linkpath ?? '';
    if (!target || target.startsWith('/')) return `${entry.path}: link to an absolute path (${target || 'empty'})`;
    // A symlink resolves against its own directory; a hard link names an archive path.
    const resolved = entry.type === 'SymbolicLink' ? path.posix.normalize(path.posix.join(path.posix.dirname(norm), target)) : path.posix.normalize(target.replace(/^\.\/+/, ''));
    if (resolved !== topDir && !resolved.startsWith(`${topDir}/`)) return `${entry.path}: link points outside the archive (${target})`;
  }
  return null;
}

/** List the archive and refuse it as a whole if any entry is unsafe, before a single byte is written. */
export async function inspectArchive(file: string, topDir: string, limits: UnpackLimits = DEFAULT_LIMITS): Promise<{ entries: number; bytes: number }> {
  const problems: string[] = [];
  let entries = 0;
  let bytes = 0;
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry: (e) => {
        entries++;
        bytes += e.size;
        const problem = entryProblem(e, topDir, limits);
        if (problem && problems.length < 5) problems.push(problem);
      },
    });
  } catch (err) {
    throw badArchive(file, `it is not a readable tar.gz (${(err as Error).message})`);
  }
  if (entries > limits.maxEntries) problems.push(`${entries} entries (more than ${limits.maxEntries})`);
  if (bytes > limits.maxTotalBytes) problems.push(`${bytes} bytes unpacked (more than ${limits.maxTotalBytes})`);
  if (entries === 0) problems.push('it is empty');
  if (problems.length) throw badArchive(file, problems.join('; '));
  return { entries, bytes };
}

/**
 * Unpack `file`'s `topDir/` into `into` (which must be empty or absent), after inspecting it. The
 * filter re-checks every entry as it is written, so nothing the listing did not see can slip through.
 */
export async function unpackArchive(file: string, opts: { into: string; topDir: string; signal?: AbortSignal; limits?: UnpackLimits }): Promise<void> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  await inspectArchive(file, opts.topDir, limits);
  const refused: string[] = [];
  const unpack = tar.x({
    cwd: opts.into,
    strip: 1,
    strict: true,
    // As root, node-tar would otherwise give files the archive's uid/gid.
    preserveOwner: false,
    filter: (_p, entry) => {
      const problem = entryProblem(entry as unknown as EntryLike, opts.topDir, limits);
      if (problem) refused.push(problem);
      return problem === null;
    },
  });
  try {
    await pipeline(createReadStream(file), unpack, { signal: opts.signal });
  } catch (err) {
    if (opts.signal?.aborted) throw cancelled('unpacking');
    throw fsFailure(err, opts.into) ?? badArchive(file, (err as Error).message);
  }
  if (refused.length) throw badArchive(file, refused.slice(0, 5).join('; '));
}

/** Check that every expected binary is an executable regular file inside `dir` (not a link out of it). */
export async function checkBinaries(dir: string, binaries: string[], archive: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const root = await realpath(dir);
  for (const name of binaries) {
    const file = path.join(dir, name);
    try {
      const real = await realpath(file);
      if (!real.startsWith(`${root}${path.sep}`)) throw new Error('links outside the install');
      if (!(await stat(real)).isFile()) throw new Error('not a regular file');
      await access(real, fsc.X_OK);
    } catch (err) {
      throw badArchive(archive, `it has no usable ${name} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    out[name] = file;
  }
  return out;
}

function badArchive(file: string, why: string): InstallError {
  return new InstallError('bad-archive', `refused ${path.basename(file)}: ${why}; nothing was installed`, 'report it to the mirror or project; try again later or install with Homebrew');
}
