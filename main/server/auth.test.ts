import { describe, expect, it } from 'vitest';
import { WEBHOOK_PATH } from '../core/alerts/webhook';
import { checkRequest, requestPathname } from './auth';

const PORT = 9469;
const TOKEN = 'A'.repeat(43);
const opts = { token: TOKEN, port: PORT };
const gate = (headers: Record<string, string>, url = '/', extra: Partial<typeof opts & { webhookToken: string }> = {}) =>
  checkRequest({ headers, url }, { ...opts, ...extra });

describe('checkRequest: Host', () => {
  it.each([`127.0.0.1:${PORT}`, `localhost:${PORT}`, `LocalHost:${PORT}`, `[::1]:${PORT}`])('accepts loopback %s', (host) => {
    expect(gate({ host })).toEqual({ ok: true });
  });

  it.each([
    `evil.example:${PORT}`,
    `127.0.0.1:${PORT + 1}`,
    '127.0.0.1',
    `127.0.0.2:${PORT}`,
    `0.0.0.0:${PORT}`,
    `127.0.0.1.:${PORT}`,
    `::1:${PORT}`,
    '[::1]',
    `[::ffff:127.0.0.1]:${PORT}`,
    `localhost.evil.example:${PORT}`,
    `127.0.0.1:${PORT}@evil.example`,
  ])('refuses %s with 421', (host) => {
    const result = gate({ host });
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.status).toBe(421);
  });

  it('accepts host.docker.internal (containers of the Docker runtime) on /metrics and the webhook only', () => {
    const host = `host.docker.internal:${PORT}`;
    expect(gate({ host }, '/metrics')).toEqual({ ok: true });
    const webhookToken = 'W'.repeat(43);
    expect(gate({ host, authorization: `Bearer ${webhookToken}` }, WEBHOOK_PATH, { webhookToken })).toEqual({ ok: true });
    // The webhook still needs its token.
    expect(gate({ host }, WEBHOOK_PATH, { webhookToken })).toMatchObject({ ok: false, status: 401 });
    for (const url of ['/', '/index.html', `/api/v1/stack`, '/metrics/../api/v1/stack']) {
      const result = gate({ host, authorization: `Bearer ${TOKEN}` }, url);
      expect(result.ok === false && result.status, url).toBe(421);
    }
    expect(gate({ host: `host.docker.internal:${PORT + 1}` }, '/metrics').ok).toBe(false);
  });

  it('refuses a request without Host (HTTP/1.0 style)', () => {
    expect(gate({})).toEqual({ ok: false, status: 421, reason: 'missing Host header' });
  });

  it('accepts a port-less Host only when we listen on port 80', () => {
    expect(checkRequest({ headers: { host: 'localhost' }, url: '/' }, { token: TOKEN, port: 80 }).ok).toBe(true);
    expect(checkRequest({ headers: { host: 'localhost:80' }, url: '/' }, { token: TOKEN, port: 80 }).ok).toBe(true);
  });

  it('checks Host before the token, so a rebinding page learns nothing from 401 vs 200', () => {
    const result = gate({ host: `evil.example:${PORT}`, authorization: `Bearer ${TOKEN}` }, '/api/v1/stack');
    expect(result.ok === false && result.status).toBe(421);
  });
});

describe('checkRequest: Origin', () => {
  const host = `127.0.0.1:${PORT}`;

  it.each([`http://127.0.0.1:${PORT}`, `http://localhost:${PORT}`, `http://[::1]:${PORT}`])('accepts our own origin %s', (origin) => {
    expect(gate({ host, origin })).toEqual({ ok: true });
  });

  it.each([
    'null',
    'http://evil.example',
    `https://127.0.0.1:${PORT}`,
    `http://127.0.0.1:${PORT + 1}`,
    `http://127.0.0.1:${PORT}/`,
    'http://127.0.0.1',
    `http://127.0.0.1:${PORT}.evil.example`,
    '',
  ])('refuses Origin %j with 403', (origin) => {
    const result = gate({ host, origin, authorization: `Bearer ${TOKEN}` }, '/api/v1/stack');
    expect(result.ok === false && result.status).toBe(403);
  });

  it('lets requests without Origin through (same-origin GETs, curl, the CLI, Alertmanager)', () => {
    expect(gate({ host, authorization: `Bearer ${TOKEN}` }, '/api/v1/stack').ok).toBe(true);
  });
});

describe('checkRequest: token', () => {
  const host = `127.0.0.1:${PORT}`;

  it('needs no token for the UI and /metrics', () => {
    for (const url of ['/', '/index.html', '/assets/app.js', '/metrics']) expect(gate({ host }, url).ok, url).toBe(true);
  });

  it.each(['/api/v1/stack', '/api/v1/events', '/api/v2/anything', '/api', '/assets/../api/v1/stack', '/assets/%2e%2e/api/v1/stack', '/api/v1/stack?x=1'])(
    'needs the token for %s',
    (url) => {
      expect(gate({ host }, url)).toEqual({ ok: false, status: 401, reason: 'missing bearer token' });
      expect(gate({ host, authorization: `Bearer ${TOKEN}` }, url)).toEqual({ ok: true });
    },
  );

  it('accepts the scheme in any case and surrounding blanks, nothing else', () => {
    const url = '/api/v1/stack';
    expect(gate({ host, authorization: `bearer ${TOKEN}` }, url).ok).toBe(true);
    expect(gate({ host, authorization: `Bearer   ${TOKEN} ` }, url).ok).toBe(true);
    for (const authorization of [TOKEN, `Bearer`, `Bearer ${TOKEN} x`, `Token ${TOKEN}`, `Bearer ${TOKEN.toLowerCase()}`, `Bearer ${TOKEN}A`, `Bearer ${TOKEN.slice(1)}`]) {
      const result = gate({ host, authorization }, url);
      expect(result.ok === false && result.status, authorization).toBe(401);
    }
  });

  it('accepts the webhook token on the webhook path only', () => {
    const webhookToken = 'W'.repeat(43);
    const authorization = `Bearer ${webhookToken}`;
    expect(gate({ host, authorization }, '/api/v1/alertmanager/webhook', { webhookToken }).ok).toBe(true);
    expect(gate({ host, authorization }, '/api/v1/stack', { webhookToken }).ok).toBe(false);
    expect(gate({ host, authorization }, '/api/v1/alertmanager/webhook').ok).toBe(false);
  });
});

describe('requestPathname', () => {
  it('resolves dot segments like the router does, and never reads a host out of //', () => {
    expect(requestPathname('/a/../b')).toBe('/b');
    expect(requestPathname('/%2e%2e/b')).toBe('/b');
    expect(requestPathname('//api/v1/stack')).toBe('//api/v1/stack');
    expect(requestPathname('http://127.0.0.1:1/api/v1/stack')).toBe('/api/v1/stack');
    expect(requestPathname(undefined)).toBe('/');
  });
});
