import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { HttpError } from './respond';

/** One file of the built UI, ready to send. */
export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** Weak validator from size and mtime: a rebuild changes it. */
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The built UI under `root`, kept in memory once read. Reading a file from disk takes several thread-pool
 * round trips (realpath, stat, open, read, close) that queue behind the metrics collectors' reads; a
 * cached file costs one stat, which is what notices a rebuild while Lookout runs.
 */
export function createStaticFiles(root: string): { get(pathname: string): Promise<StaticFile> } {
  const cache = new Map<string, { real: string; size: number; mtimeMs: number; file: StaticFile }>();

  async function load(relative: string, pathname: string): Promise<StaticFile> {
    const notFound = new HttpError(404, `not found: ${pathname}`, 'not_found');
    const real = await realpath(path.join(root, relative)).catch(() => null);
    // Symlinks are resolved first, so one cannot lead out of the root.
    if (!real || !real.startsWith(root + path.sep)) throw notFound;
    const info = await stat(real);
    if (!info.isFile()) throw notFound;
    const file: StaticFile = {
      body: await readFile(real),
      contentType: CONTENT_TYPES[path.extname(real).toLowerCase()] ?? 'application/octet-stream',
      etag: `W/"${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}"`,
    };
    cache.set(relative, { real, size: info.size, mtimeMs: info.mtimeMs, file });
    return file;
  }

  return {
    async get(pathname) {
      const relative = staticPath(pathname);
      const hit = cache.get(relative);
      if (hit) {
        const info = await stat(hit.real).catch(() => null);
        if (info && info.size === hit.size && info.mtimeMs === hit.mtimeMs) return hit.file;
        cache.delete(relative);
      }
      return load(relative, pathname);
    },
  };
}

/**
 * Map a URL path to a file under the UI root: '/' is index.html, everything else must be /assets/<file>.
 * Refuses '..' segments (also percent-encoded ones that survive URL parsing, like `..%2f`), backslashes and NUL.
 */
function staticPath(pathname: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    throw new HttpError(400, 'malformed path', 'bad_request');
  }
  if (decoded.includes('\0') || decoded.includes('\\')) throw new HttpError(400, 'malformed path', 'bad_request');
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) throw new HttpError(400, 'path traversal refused', 'bad_request');
  if (segments.length === 0 || (segments.length === 1 && segments[0] === 'index.html')) return 'index.html';
  if (segments[0] === 'assets' && segments.length > 1) return segments.join('/');
  throw new HttpError(404, `not found: ${pathname}`, 'not_found');
}
