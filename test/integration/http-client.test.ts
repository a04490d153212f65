// The one HTTP client (common/http-client.ts: the browser-mode UI, the CLI, scripts) over real fetch + a real socket. The server
// here is a small stand-in speaking the wire contract (HTTP_ROUTES, EVENTS_PATH, ErrorEnvelope), so
// reconnects and split frames can be forced; the real server is covered by the e2e test.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EVENTS_PATH, HTTP_ROUTES } from '../../common/ipc';
import type { StackSnapshot } from '../../common/model';
import { ApiError, ApiTimeoutError, ApiUnreachableError, createHttpClient } from '../../common/http-client';

const TOKEN = 'test-token-123';
const snapshot = (settingsError: string | null): StackSnapshot => ({ components: [], overall: 'stopped', settingsError, configError: null });

interface Seen { method: string; url: string; auth: string | undefined; body: string; lastEventId: string | undefined }

async function standIn(onEvents: (res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const streams = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body, lastEventId: req.headers['last-event-id'] as string | undefined });
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message: 'missing or wrong token', code: 'unauthorized' } }));
        return;
      }
      if (req.url === EVENTS_PATH) {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
        streams.add(res);
        res.on('close', () => streams.delete(res));
        onEvents(res);
        return;
      }
      if (req.url === HTTP_ROUTES['stack:start'].path) {
        res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message: 'invalid request for stack:start: components.0: bad', code: 'bad_request' } }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(snapshot(`fetched ${seen.filter((s) => s.url === HTTP_ROUTES['stack:get'].path).length}`)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, base, seen, streams };
}

let close: (() => void) | null = null;
afterEach(() => close?.());

const waitFor = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('renderer HTTP client', () => {
  it('sends the bearer token and rebuilds error envelopes as ApiError', async () => {
    const s = await standIn(() => {});
    close = () => s.server.close();
    const api = createHttpClient({ token: TOKEN, baseUrl: s.base });
    expect((await api.stack.get()).settingsError).toBe('fetched 1');
    expect(s.seen[0]).toMatchObject({ method: 'GET', url: '/api/v1/stack', auth: `Bearer ${TOKEN}` });

    const err = await api.stack.start({ components: ['prometheus'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ message: 'invalid request for stack:start: components.0: bad', code: 'bad_request', status: 400 });
    expect(s.seen[1]).toMatchObject({ method: 'POST', body: '{"components":["prometheus"]}' });

    const denied = await createHttpClient({ token: 'wrong', baseUrl: s.base }).app.info().catch((e: unknown) => e);
    expect(denied).toMatchObject({ code: 'unauthorized', status: 401 });
  });

  it('streams events split across writes, reconnects after a drop with a resync, and closes when unsubscribed', async () => {
    let connections = 0;
    const s = await standIn((res) => {
      connections++;
      // Split one frame mid-line and mid-JSON to exercise the parser over a real stream.
      res.write(`id: ${connections * 10}\nevent: stack:cha`);
      setTimeout(() => res.write(`nged\ndata: ${JSON.stringify(snapshot(`pushed ${connections}`)).slice(0, 10)}`), 20);
      setTimeout(() => res.write(`${JSON.stringify(snapshot(`pushed ${connections}`)).slice(10)}\n\n`), 40);
      if (connections === 1) setTimeout(() => res.destroy(), 80);
    });
    close = () => {
      for (const r of s.streams) r.destroy();
      s.server.close();
    };
    const api = createHttpClient({ token: TOKEN, baseUrl: s.base, backoffMs: 20 });
    const got: (string | null)[] = [];
    const off = api.on('stack:changed', (snap) => got.push(snap.settingsError));

    // First connection pushes, then drops; the client reconnects on its own and gets the next push.
    await waitFor(() => got.includes('pushed 2'));
    expect(got).toEqual(['pushed 1', 'pushed 2']);
    expect(s.seen.filter((x) => x.url === EVENTS_PATH).every((x) => x.auth === `Bearer ${TOKEN}`)).toBe(true);

    // The reconnect said where the first stream stopped, so the server can replay what was missed.
    expect(s.seen.filter((x) => x.url === EVENTS_PATH).map((x) => x.lastEventId)).toEqual([undefined, '10']);

    off();
    await waitFor(() => s.streams.size === 0);
    expect(connections).toBe(2);
  });

  it('tells an instance that does not answer in time from one that is not there', async () => {
    const hung = http.createServer(() => undefined);
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const port = (hung.address() as AddressInfo).port;
    close = () => {
      hung.closeAllConnections();
      hung.close();
    };
    const slow = await createHttpClient({ token: TOKEN, baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200 }).stack.get().catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(ApiTimeoutError);
    hung.closeAllConnections();
    await new Promise((r) => hung.close(r));
    const gone = await createHttpClient({ token: TOKEN, baseUrl: `http://127.0.0.1:${port}` }).stack.get().catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ApiUnreachableError);
  });
});
