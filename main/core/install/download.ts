import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { cancelled, fsFailure, InstallError, networkFailure } from './errors';
import type { HttpGet } from './http-get';

export interface DownloadRequest {
  url: string;
  /** Where the bytes go; an existing file is resumed with an HTTP Range request. */
  partFile: string;
  get: HttpGet;
  signal?: AbortSignal;
  /** Called as bytes arrive (throttled to about every 0.5% or 256 KiB) and once at the end. */
  onProgress?(bytesDone: number, bytesTotal: number | undefined): void;
  /** Connection drops are resumed this many times in a row before giving up (default 4). */
  maxAttempts?: number;
  /** Called once the size is known, before writing; reject to refuse (no space). */
  beforeWrite?(bytesToWrite: number | undefined): Promise<void>;
  /** The error for HTTP 404 (the caller knows which version and platform were asked for). */
  notFound(url: string): InstallError;
}

export interface DownloadResult {
  bytes: number;
  /** Offsets each request started at: [0] for a plain download, [0, 1234] after one resume. */
  startedAt: number[];
  /** True when the server answered a Range request with the whole file, so the download restarted. */
  restartedIgnoringRange: boolean;
}

/**
 * Download `url` into `partFile`, resuming: a part file from an earlier, interrupted run is continued
 * with `Range: bytes=<size>-`, and a connection cut mid-body is resumed the same way. A server that
 * ignores Range (200 instead of 206) or answers a different offset gets a clean restart from zero, as
 * does 416 (the part is already as long as, or longer than, the file). Nothing here trusts the bytes:
 * the caller verifies the checksum before using them.
 */
export async function download(req: DownloadRequest): Promise<DownloadResult> {
  const maxAttempts = req.maxAttempts ?? 4;
  const startedAt: number[] = [];
  let restartedIgnoringRange = false;
  let failures = 0;
  let spaceChecked = false;
  for (;;) {
    if (req.signal?.aborted) throw cancelled('the download');
    const have = await sizeOf(req.partFile);
    const res = await req.get(req.url, { signal: req.signal, headers: have > 0 ? { range: `bytes=${have}-` } : {} });
    if (res.status === 404) {
      res.body.resume();
      throw req.notFound(req.url);
    }
    if (res.status === 416 && have > 0) {
      res.body.resume();
      await rm(req.partFile, { force: true });
      continue;
    }
    let offset = 0;
    let total: number | undefined;
    if (res.status === 206) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''));
      if (!range || Number(range[1]) !== have) {
        // An offset we did not ask for: the part file cannot be trusted to line up with it.
        res.body.resume();
        await rm(req.partFile, { force: true });
        restartedIgnoringRange = true;
        continue;
      }
      offset = have;
      total = range[3] === '*' ? undefined : Number(range[3]);
    } else if (res.status === 200) {
      if (have > 0) restartedIgnoringRange = true;
      const length = Number(res.headers['content-length']);
      total = Number.isFinite(length) && length >= 0 ? length : undefined;
    } else {
      res.body.resume();
      throw new InstallError('http', `HTTP ${res.status} for ${res.url}`, 'try again later; if it persists, the server or mirror is misconfigured');
    }
    if (!spaceChecked) {
      try {
        await req.beforeWrite?.(total === undefined ? undefined : total - offset);
      } catch (err) {
        res.body.destroy();
        throw err;
      }
      spaceChecked = true;
    }
    startedAt.push(offset);

    let done = offset;
    let lastReported = -Infinity;
    const step = Math.max(256 * 1024, (total ?? 0) / 200);
    const report = (force: boolean) => {
      if (force || done - lastReported >= step) {
        lastReported = done;
        req.onProgress?.(done, total);
      }
    };
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        done += chunk.length;
        report(false);
        cb(null, chunk);
      },
    });
    try {
      // 'w' truncates: a 200 after a Range request means the server sends the file from byte 0.
      await pipeline(res.body, counter, createWriteStream(req.partFile, { flags: offset > 0 ? 'a' : 'w', mode: 0o600 }), { signal: req.signal });
    } catch (err) {
      if (req.signal?.aborted) throw cancelled('the download');
      const fs = fsFailure(err, req.partFile);
      if (fs) throw fs;
      // Consecutive failures without progress give up; a drop after some bytes starts the count again.
      failures = done > offset ? 1 : failures + 1;
      if (failures >= maxAttempts) throw networkFailure(err, req.url);
      continue;
    }
    if (total !== undefined && done < total) {
      // The server ended the body early without an error: resume like a dropped connection.
      failures = done > offset ? 1 : failures + 1;
      if (failures >= maxAttempts) throw networkFailure(new Error(`the connection closed after ${done} of ${total} bytes`), req.url);
      continue;
    }
    report(true);
    return { bytes: done, startedAt, restartedIgnoringRange };
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    const st = await stat(file);
    return st.isFile() ? st.size : 0;
  } catch {
    return 0;
  }
}
