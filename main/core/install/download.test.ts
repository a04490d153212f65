import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReleaseServer, type ReleaseServer } from '../../../test/fakes/release-server-stand-in';
import { download } from './download';
import { InstallError } from './errors';
import { httpGet } from './http-get';

const FILE = '/o/r/releases/download/v1.0.0/x.tar.gz';
const body = randomBytes(3 * 1024 * 1024 + 123);
let server: ReleaseServer;
let dir: string;
let part: string;

beforeEach(async () => {
  server = await startReleaseServer(new Map([[FILE, body]]));
  dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-dl-'));
  part = path.join(dir, 'x.tar.gz.part');
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const notFound = (url: string) => new InstallError('not-published', `not published: ${url}`, 'pick another');

describe('download (against the release server stand-in)', () => {
  it('downloads with progress up to the total', async () => {
    const seen: Array<[number, number | undefined]> = [];
    const r = await download({ url: server.url + FILE, partFile: part, get: httpGet, notFound, onProgress: (d, t) => seen.push([d, t]) });
    expect(r).toMatchObject({ bytes: body.length, startedAt: [0] });
    expect(Buffer.compare(await readFile(part), body)).toBe(0);
    expect(seen.at(-1)).toEqual([body.length, body.length]);
    // Throttled: a handful of events for 3 MB, not one per chunk.
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.length).toBeLessThan(250);
  });

  it('resumes with a Range request after the connection drops mid-body', async () => {
    server.faults.set(FILE, { cutAfter: 1024 * 1024 });
    const r = await download({ url: server.url + FILE, partFile: part, get: httpGet, notFound });
    expect(Buffer.compare(await readFile(part), body)).toBe(0);
    expect(server.requests.map((q) => [q.range, q.status])).toEqual([
      [null, 200],
      [`bytes=${r.startedAt[1]}-`, 206],
    ]);
    expect(r.startedAt[1]).toBeGreaterThanOrEqual(1024 * 1024 - 65536);
  });

  it('continues a part file left by an earlier run', async () => {
    await writeFile(part, body.subarray(0, 1000));
    const r = await download({ url: server.url + FILE, partFile: part, get: httpGet, notFound });
    expect(r.startedAt).toEqual([1000]);
    expect(server.requests[0]).toMatchObject({ range: 'bytes=1000-', status: 206 });
    expect(Buffer.compare(await readFile(part), body)).toBe(0);
  });

  it('restarts cleanly when the server ignores Range and sends the whole file', async () => {
    await writeFile(part, Buffer.from('stale bytes from some other file'));
    server.faults.set(FILE, { ignoreRange: true });
    const r = await download({ url: server.url + FILE, partFile: part, get: httpGet, notFound });
    expect(r.restartedIgnoringRange).toBe(true);
    expect(Buffer.compare(await readFile(part), body)).toBe(0);
  });

  it('starts over when the part file is already as long as the file (416)', async () => {
    await writeFile(part, Buffer.concat([body, Buffer.from('extra')]));
    await download({ url: server.url + FILE, partFile: part, get: httpGet, notFound });
    expect(server.requests.map((q) => q.status)).toEqual([416, 200]);
    expect(Buffer.compare(await readFile(part), body)).toBe(0);
  });

  it('gives up after repeated drops without progress, keeping the part file for next time', async () => {
    server.faults.set(FILE, { cutAfter: 0, times: 100 });
    await expect(download({ url: server.url + FILE, partFile: part, get: httpGet, notFound, maxAttempts: 3 })).rejects.toMatchObject({ kind: 'network' });
    expect(server.requests).toHaveLength(3);
  });

  it('maps 404 to the caller’s not-published error, and other statuses to http', async () => {
    await expect(download({ url: `${server.url}/nope`, partFile: part, get: httpGet, notFound })).rejects.toMatchObject({ kind: 'not-published', message: expect.stringContaining('/nope') });
    server.faults.set(FILE, { status: 503 });
    await expect(download({ url: server.url + FILE, partFile: part, get: httpGet, notFound })).rejects.toMatchObject({ kind: 'http', message: expect.stringContaining('HTTP 503') });
  });

  it('refuses before writing when the space check says no', async () => {
    const err = new InstallError('disk-full', 'no room', 'free some');
    await expect(download({ url: server.url + FILE, partFile: part, get: httpGet, notFound, beforeWrite: async (n) => { expect(n).toBe(body.length); throw err; } })).rejects.toBe(err);
  });

  it('reports a real ENOSPC from the kernel as disk-full (the part file is a link to /dev/full)', async () => {
    await symlink('/dev/full', part);
    await expect(download({ url: server.url + FILE, partFile: part, get: httpGet, notFound })).rejects.toMatchObject({ kind: 'disk-full', message: expect.stringContaining('ENOSPC') });
  });

  it('is cancelled by its signal, mid-body', async () => {
    server.faults.set(FILE, { cutAfter: 512 * 1024, times: 1 });
    const ac = new AbortController();
    const p = download({ url: server.url + FILE, partFile: part, get: httpGet, notFound, signal: ac.signal, onProgress: (d) => d > 0 && ac.abort() });
    await expect(p).rejects.toMatchObject({ kind: 'cancelled' });
  });
});

describe('httpGet failures, for real', () => {
  it('names connection refused and an unknown host', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    await expect(httpGet(`http://127.0.0.1:${port}/x`)).rejects.toMatchObject({ kind: 'refused', message: expect.stringContaining(`127.0.0.1:${port}`) });
    await expect(httpGet('http://lookout-test.invalid/x')).rejects.toMatchObject({ kind: 'dns', message: expect.stringContaining('lookout-test.invalid') });
  });

  it('follows a redirect, as GitHub answers release downloads with a 302 to its object store', async () => {
    server.faults.set('/o/r/releases/download/v1.0.0/moved.tar.gz', { redirectTo: FILE });
    const r = await download({ url: `${server.url}/o/r/releases/download/v1.0.0/moved.tar.gz`, partFile: part, get: httpGet, notFound });
    expect(r.bytes).toBe(body.length);
    expect(server.requests.map((q) => q.status)).toEqual([302, 200]);
  });
});
