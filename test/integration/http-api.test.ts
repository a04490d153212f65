import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_PATH } from '../../common/ipc';
import type { StackSnapshot } from '../../common/model';
import { startServer, type RunningServer } from '../../main/server/http';
import { createParser } from 'eventsource-parser';
import { ApiError, createHttpClient } from '../../common/http-client';
import { FakeCore } from '../fakes/fake-core';

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvwxyz';
const WEBHOOK_TOKEN = 'webhook-token-0123456789abcdefghijklmnopqrstuv';
const SECRET = 'SECRET-OUTSIDE-THE-UI-ROOT';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request with node:http, so Host, Origin and unnormalised paths go out exactly as written. */
function request(
  port: number,
  target: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; setHost?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: target, method: opts.method ?? 'GET', headers: opts.headers ?? {}, setHost: opts.setHost ?? true, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The raw bytes of a request line, for paths node:http would refuse to send (it rejects some characters). */
function rawRequest(port: number, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(`${lines.join('\r\n')}\r\n\r\n`));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (data += c));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

const auth = { authorization: `Bearer ${TOKEN}` };

describe('HTTP API (real server on 127.0.0.1, FakeCore behind it)', () => {
  let dir: string;
  let core: FakeCore;
  let server: RunningServer;
  let port: number;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-http-'));
    const ui = path.join(dir, 'renderer');
    await mkdir(path.join(ui, 'assets'), { recursive: true });
    await writeFile(path.join(ui, 'index.html'), '<!doctype html><title>Lookout</title><script type="module" src="/assets/app.js"></script>');
    await writeFile(path.join(ui, 'assets', 'app.js'), 'console.log("lookout");');
    await writeFile(path.join(ui, 'assets', 'app.css'), 'body{}');
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: SECRET }));
    await symlink(path.join(dir, 'package.json'), path.join(ui, 'assets', 'escape.json'));
    core = new FakeCore(dir);
    server = await startServer({ core, token: TOKEN, webhookToken: WEBHOOK_TOKEN, port: 0, staticDir: ui, logger: pino({ level: 'silent' }), heartbeatMs: 200 });
    port = server.port;
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only, on the port it reports', () => {
    expect(port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
  });

  it('is not reachable on another local address', async () => {
    // ::1 is a loopback address too; a server bound to 127.0.0.1 must not answer there (nor on 0.0.0.0's other addresses).
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '::1', port }, () => {
        s.destroy();
        resolve(false);
      });
      s.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it('refuses an API call without a token (401)', async () => {
    const res = await request(port, '/api/v1/stack');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(JSON.parse(res.body)).toEqual({ error: { message: 'missing bearer token', code: 'unauthorized' } });
    expect(core.calls.some((c) => c.channel === 'stack:get')).toBe(false);
  });

  it('refuses a wrong token (401), including one of a different length', async () => {
    for (const wrong of [`${TOKEN.slice(0, -1)}X`, 'short', `${TOKEN}extra`]) {
      const res = await request(port, '/api/v1/stack', { headers: { authorization: `Bearer ${wrong}` } });
      expect(res.status, wrong).toBe(401);
    }
    const basic = await request(port, '/api/v1/stack', { headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } });
    expect(basic.status).toBe(401);
  });

  it('does not let the webhook token open the contract API', async () => {
    const res = await request(port, '/api/v1/stack', { headers: { authorization: `Bearer ${WEBHOOK_TOKEN}` } });
    expect(res.status).toBe(401);
  });

  it('refuses a foreign Host even with a good token (DNS rebinding)', async () => {
    const res = await request(port, '/api/v1/stack', { headers: { ...auth, host: `evil.example:${port}` } });
    expect([421, 403]).toContain(res.status);
    expect(res.body).toContain('evil.example');
    const wrongPort = await request(port, '/api/v1/stack', { headers: { ...auth, host: `127.0.0.1:${port + 1}` } });
    expect([421, 403]).toContain(wrongPort.status);
    // Static files are guarded by the Host check as well.
    const page = await request(port, '/', { headers: { host: `evil.example:${port}` } });
    expect([421, 403]).toContain(page.status);
  });

  it('refuses a foreign Origin (403)', async () => {
    const res = await request(port, '/api/v1/stack', { headers: { ...auth, origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    const start = await request(port, '/api/v1/stack/start', {
      method: 'POST',
      headers: { ...auth, origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(start.status).toBe(403);
    expect(core.calls.some((c) => c.channel === 'stack:start')).toBe(false);
  });

  it('answers a good token from a loopback Host with the snapshot JSON', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const res = await request(port, '/api/v1/stack', { headers: { ...auth, host, origin: `http://${host}` } });
      expect(res.status, host).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(JSON.parse(res.body)).toEqual(core.snapshot);
    }
  });

  it('rejects a bad body with 400 naming the field, before the handler runs', async () => {
    const before = core.calls.length;
    const res = await request(port, '/api/v1/stack/start', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ components: ['nope'] }),
    });
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body) as { error: { message: string; code: string } };
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toMatch(/components\.0/);
    expect(core.calls.length).toBe(before);
  });

  it('maps invalid JSON, wrong content type, unknown routes and wrong methods to envelopes', async () => {
    const post = (body: string, type = 'application/json') =>
      request(port, '/api/v1/stack/start', { method: 'POST', headers: { ...auth, 'content-type': type }, body });
    expect((await post('{nope')).status).toBe(400);
    expect(JSON.parse((await post('{nope')).body).error.code).toBe('bad_json');
    expect((await post('{}', 'text/plain')).status).toBe(415);
    expect((await post(JSON.stringify({ pad: 'x'.repeat(70 * 1024) }))).status).toBe(413);
    const unknown = await request(port, '/api/v1/nothing', { headers: auth });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('not_found');
    const wrongMethod = await request(port, '/api/v1/stack', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET');
    const query = await request(port, '/api/v1/stack?extra=1', { headers: auth });
    expect(query.status).toBe(400);
  });

  it('turns a handler failure into 500 with the message and no stack', async () => {
    core.failNext = new Error('supervisor exploded');
    const res = await request(port, '/api/v1/stack', { headers: auth });
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ error: { message: 'supervisor exploded', code: 'internal' } });
    expect(res.body).not.toContain('at ');
  });

  it('starts components through POST and returns the new snapshot', async () => {
    const res = await request(port, '/api/v1/stack/start', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ components: ['prometheus'] }),
    });
    expect(res.status).toBe(200);
    const snapshot = JSON.parse(res.body) as StackSnapshot;
    expect(snapshot.components.find((c) => c.id === 'prometheus')?.state).toBe('running');
    expect(snapshot.components.find((c) => c.id === 'alertmanager')?.state).toBe('stopped');
    expect(core.calls.at(-1)).toEqual({ channel: 'stack:start', req: { components: ['prometheus'] } });
  });

  it('serves /metrics without a token but still checks Host', async () => {
    const res = await request(port, '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('lookout_up 1');
    expect((await request(port, '/metrics', { headers: { host: 'evil.example' } })).status).toBe(421);
  });

  it('answers /favicon.ico with an icon, without a token (issue 16.11)', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/x-icon');
    const body = Buffer.from(await res.arrayBuffer());
    // ICO header: reserved 0, type 1 (icon), one image of 32×32 whose data is a PNG at the given offset.
    expect([body.readUInt16LE(0), body.readUInt16LE(2), body.readUInt16LE(4), body[6], body[7]]).toEqual([0, 1, 1, 32, 32]);
    const image = body.subarray(body.readUInt32LE(18), body.readUInt32LE(18) + body.readUInt32LE(14));
    expect(image.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([image.readUInt32BE(16), image.readUInt32BE(20)]).toEqual([32, 32]);
    // The pixels inflate to 32 rows of a filter byte and 32 RGBA pixels, and are not all transparent.
    const idatLength = image.readUInt32BE(33);
    const pixels = inflateSync(image.subarray(41, 41 + idatLength));
    expect(pixels.length).toBe(32 * (1 + 32 * 4));
    expect(pixels.some((b, i) => i % 129 !== 0 && (i % 129) % 4 === 0 && b === 255)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/favicon.ico`, { method: 'HEAD' })).status).toBe(200);
  });

  it('accepts the Alertmanager webhook with the webhook token or the API token, not without', async () => {
    const payload = { version: '4', status: 'firing', alerts: [{ labels: { alertname: 'Test' } }] };
    const send = (headers: Record<string, string>) =>
      request(port, '/api/v1/alertmanager/webhook', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) });
    expect((await send({})).status).toBe(401);
    expect((await send({ authorization: `Bearer ${WEBHOOK_TOKEN}` })).status).toBe(200);
    expect((await send(auth)).status).toBe(200);
    expect(core.webhooks).toEqual([payload, payload]);
  });

  /** Open the event stream with node:http and parse it as a browser would; `lastEventId` resumes one. */
  async function openEvents(lastEventId?: string) {
    const events: Array<{ id: string | undefined; event: string | undefined; data: unknown }> = [];
    let heartbeats = 0;
    const headers: Record<string, string> = { ...auth, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) };
    const req = http.get({ host: '127.0.0.1', port, path: EVENTS_PATH, headers, agent: false });
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
    });
    const parser = createParser({
      onEvent: (m) => events.push({ id: m.id, event: m.event, data: JSON.parse(m.data) }),
      onComment: (c) => void (c.trim() === 'heartbeat' && heartbeats++),
    });
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => parser.feed(chunk));
    return { req, res, events, heartbeats: () => heartbeats };
  }

  it('streams server-sent events: the state of every store first, then pushed changes with ids; one core listener for any number of streams', async () => {
    const listenersBefore = core.listenerCount('stack:changed');
    const a = await openEvents();
    expect(a.res.statusCode).toBe(200);
    expect(a.res.headers['content-type']).toMatch(/^text\/event-stream/);
    await expect.poll(() => a.events.map((e) => e.event), { timeout: 3_000 }).toEqual(['stack:changed', 'app:overall', 'alerts:changed', 'settings:changed']);
    expect(a.events[0]!.data).toEqual(core.snapshot);

    const changed = core.change((s) => ({ ...s, configError: 'promtool said no' }));
    core.emit('app:overall', 'critical');
    await expect.poll(() => a.events.length, { timeout: 3_000 }).toBe(6);
    expect(a.events.slice(4).map((e) => [e.event, e.data])).toEqual([['stack:changed', changed], ['app:overall', 'critical']]);
    expect(Number(a.events[5]!.id)).toBe(Number(a.events[4]!.id) + 1);

    // More streams add no listeners on the core: the streams share one subscription per event.
    const others = await Promise.all(Array.from({ length: 20 }, () => openEvents()));
    expect(core.listenerCount('stack:changed')).toBe(listenersBefore);
    await expect.poll(() => a.heartbeats(), { timeout: 3_000 }).toBeGreaterThanOrEqual(1);

    // A client that lost its stream after event N gets exactly what came after N, not a fresh state.
    const lastSeen = a.events[4]!.id!;
    a.req.destroy();
    core.emit('app:overall', 'warning');
    const resumed = await openEvents(lastSeen);
    await expect.poll(() => resumed.events.map((e) => [e.event, e.data]), { timeout: 3_000 }).toEqual([['app:overall', 'critical'], ['app:overall', 'warning']]);
    for (const o of [...others, resumed]) o.req.destroy();
  });


  it('refuses the event stream without a token', async () => {
    const res = await request(port, EVENTS_PATH);
    expect(res.status).toBe(401);
  });

  it('serves index.html at / with the CSP and revalidation, and assets with their types', async () => {
    const page = await request(port, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Lookout</title>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
    );
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');

    const js = await request(port, '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe('console.log("lookout");');
    expect((await request(port, '/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await request(port, '/assets/missing.js')).status).toBe(404);
    expect((await request(port, '/', { method: 'POST' })).status).toBe(405);
  });

  it('answers an unchanged file 304 from its ETag, and a changed one in full', async () => {
    const file = path.join(dir, 'renderer', 'assets', 'app.js');
    const first = await request(port, '/assets/app.js');
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/"/);
    const again = await request(port, '/assets/app.js', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers['content-security-policy']).toContain("script-src 'self'");

    await writeFile(file, 'console.log("lookout, rebuilt");');
    const changed = await request(port, '/assets/app.js', { headers: { 'If-None-Match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.body).toBe('console.log("lookout, rebuilt");');
    expect(changed.headers.etag).not.toBe(etag);
    await writeFile(file, 'console.log("lookout");');
  });

  it('refuses path traversal in every spelling', async () => {
    const attempts = [
      '/../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E/package.json',
      '/assets/../../package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/..%5c..%5cpackage.json',
      '/assets/%252e%252e%252fpackage.json',
      '/assets/escape.json',
      '/package.json',
      '//package.json',
    ];
    for (const target of attempts) {
      const res = await request(port, target);
      expect([400, 404], target).toContain(res.status);
      expect(res.body, target).not.toContain(SECRET);
    }
    // Backslashes and absolute-form targets that node:http's client would rewrite, sent as raw bytes.
    for (const target of ['/assets/..\\..\\package.json', `http://127.0.0.1:${port}/../package.json`]) {
      const raw = await rawRequest(port, [`GET ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close']);
      expect(raw, target).toMatch(/^HTTP\/1\.1 (400|404)/);
      expect(raw, target).not.toContain(SECRET);
    }
  });

  it('is usable through the typed client, which rebuilds error envelopes as Errors', async () => {
    const client = createHttpClient({ baseUrl: server.url, token: TOKEN });
    const info = await client.app.info();
    expect(info.mode).toBe('serve');
    const stopped = await client.stack.stop({ components: ['prometheus'] });
    expect(stopped.components.find((c) => c.id === 'prometheus')?.state).toBe('stopped');
    const failure = await client.stack.start({ components: ['nope' as never] }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(400);
    expect((failure as ApiError).message).toMatch(/components/);

    const received: StackSnapshot[] = [];
    const off = client.on('stack:changed', (s) => received.push(s));
    await expect.poll(() => received.length, { timeout: 2_000 }).toBeGreaterThanOrEqual(1);
    await client.stack.start({});
    await expect.poll(() => received.at(-1)?.components.every((c) => c.state === 'running'), { timeout: 2_000 }).toBe(true);
    off();
    client.close();

    const bad = createHttpClient({ baseUrl: server.url, token: 'wrong' });
    await expect(bad.stack.get()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });

});

describe('startServer lifecycle', () => {
  it('reports a busy port naming the port and lookout.port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as net.AddressInfo).port;
    try {
      await expect(
        startServer({ core: new FakeCore(), token: TOKEN, port: busy, staticDir: null, logger: pino({ level: 'silent' }) }),
      ).rejects.toThrow(new RegExp(`Port ${busy}.*lookout\\.port`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('close() ends open event streams and frees the port', async () => {
    const core = new FakeCore();
    const server = await startServer({ core, token: TOKEN, port: 0, staticDir: null, logger: pino({ level: 'silent' }) });
    const req = http.get({ host: '127.0.0.1', port: server.port, path: EVENTS_PATH, headers: auth, agent: false });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
    const ended = new Promise<void>((resolve) => res.on('close', resolve));
    res.resume();
    expect(core.listenerCount('stack:changed')).toBe(1);
    const started = Date.now();
    await server.close();
    await ended;
    expect(Date.now() - started).toBeLessThan(900);
    expect(core.listenerCount('stack:changed')).toBe(0);
    // The port is free again: a new server can take it.
    const again = await startServer({ core, token: TOKEN, port: server.port, staticDir: null, logger: pino({ level: 'silent' }) });
    expect(again.port).toBe(server.port);
    // API-only mode: no UI build → 404 that says why.
    const page = await request(again.port, '/');
    expect(page.status).toBe(404);
    expect(page.body).toContain('npm run build');
    await again.close();
  });
});
