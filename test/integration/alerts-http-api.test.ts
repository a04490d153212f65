/**
 * The alerting part of the HTTP contract over the real server on 127.0.0.1, with FakeCore behind it:
 * path parameters (DELETE /api/v1/silences/{id}), the request gate for ack/snooze/secrets, the
 * 'alerts:changed' event over SSE, and the typed client filling paths the same way.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillPath } from '../../common/ipc';
import { createRouteTable } from '../../common/route-table';
import type { AlertsSnapshot } from '../../common/model';
import { startServer, type RunningServer } from '../../main/server/http';
import { ApiError, createHttpClient } from '../../common/http-client';
import { FakeCore } from '../fakes/fake-core';

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvwxyz';

describe('alerts API over HTTP (FakeCore)', () => {
  let core: FakeCore;
  let server: RunningServer;
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    core = new FakeCore();
    server = await startServer({ core, token: TOKEN, port: 0, staticDir: null, logger: pino({ level: 'silent' }) });
  });
  afterAll(() => server.close());

  it('DELETE /api/v1/silences/{id} hands the decoded id to the core; other methods and paths are refused', async () => {
    const res = await call('DELETE', '/api/v1/silences/abc%2Fdef-1');
    expect(res.status).toBe(200);
    expect(core.calls.at(-1)).toEqual({ channel: 'silences:delete', req: { id: 'abc/def-1' } });
    expect((await call('GET', '/api/v1/silences/x')).status).toBe(405);
    expect((await call('DELETE', '/api/v1/silences/x/y')).status).toBe(404);
    expect((await call('DELETE', '/api/v1/silences/')).status).toBe(404);
  });

  it('validates ack and snooze, naming the field', async () => {
    const bad = await call('POST', '/api/v1/alerts/snooze', { id: 'fp', duration: 'forever' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/duration: must be a duration such as 30m, 2h or 1d/);
    const ok = await call('POST', '/api/v1/alerts/ack', { id: 'fp', comment: 'on it' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ silenceId: 'fake-ack-fp' });
  });

  it('the typed client fills path parameters and sends the rest as query or body; secrets are never echoed', async () => {
    const client = createHttpClient({ baseUrl: server.url, token: TOKEN });
    await client.silences.delete({ id: 's-1' });
    expect(core.calls.at(-1)).toEqual({ channel: 'silences:delete', req: { id: 's-1' } });
    await client.alerts.history({ range: '6h' });
    expect(core.calls.at(-1)).toEqual({ channel: 'alerts:history', req: { range: '6h' } });
    const status = await client.secrets.set({ name: 'slackUrl', value: 'https://hooks.slack.com/services/T/B/x' });
    expect(status).toEqual({ slackUrl: true, smtpPassword: false, webhookToken: false });
    expect(JSON.stringify(await client.secrets.get())).not.toContain('hooks.slack.com');
    await expect(client.secrets.set({ name: 'nope' as 'slackUrl', value: 'x' })).rejects.toThrow(ApiError);
  });

  it("pushes 'alerts:changed' over the event stream", async () => {
    const client = createHttpClient({ baseUrl: server.url, token: TOKEN });
    const seen: AlertsSnapshot[] = [];
    client.on('alerts:changed', (s) => seen.push(s));
    // The stream opens with the current list; after that, each change is pushed.
    await expect.poll(() => seen.length, { timeout: 3_000 }).toBe(1);
    expect(seen[0]).toEqual(core.alerts);
    const snap: AlertsSnapshot = { ...core.alerts, lastWatchdogAt: 123 };
    const timer = setInterval(() => core.emit('alerts:changed', snap), 50);
    try {
      await expect.poll(() => seen.at(-1)?.lastWatchdogAt, { timeout: 3_000 }).toBe(123);
    } finally {
      clearInterval(timer);
      client.close();
    }
  });
});

describe('fillPath and the route table', () => {
  it('round-trip a parameter with reserved characters', () => {
    const { path, rest } = fillPath('/api/v1/silences/{id}', { id: 'a/b c', extra: 1 });
    expect(path).toBe('/api/v1/silences/a%2Fb%20c');
    expect(rest).toEqual({ extra: 1 });
    const table = createRouteTable([{ method: 'DELETE', template: '/api/v1/silences/{id}', handler: 'delete' }]);
    expect(table.match('DELETE', path)).toMatchObject({ kind: 'found', params: { id: 'a/b c' } });
    expect(table.match('DELETE', '/api/v1/silences')).toMatchObject({ kind: 'not-found' });
    expect(table.match('DELETE', '/api/v1/silences/%E0%A4%A')).toMatchObject({ kind: 'bad-path' });
  });
});
