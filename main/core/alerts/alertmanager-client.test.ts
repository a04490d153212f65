import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError } from '../api';
import { createAlertmanagerClient, parseWebhook } from './alertmanager-client';
import { AlertmanagerRefusedError, AlertmanagerUnreachableError, SilenceNotFoundError } from './errors';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/alertmanager');
const fixture = async (name: string) => JSON.parse(await readFile(path.join(FIXTURES, name), 'utf8')) as unknown;

describe('createAlertmanagerClient against a fake Alertmanager serving recorded real answers', () => {
  let server: Server;
  let base: string;
  const requests: Array<{ method: string; url: string; body: string }> = [];

  beforeAll(async () => {
    const alerts = JSON.stringify(await fixture('alerts-silenced.json'));
    const silences = JSON.stringify(await fixture('silences.json'));
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        requests.push({ method: req.method!, url: req.url!, body });
        res.setHeader('Content-Type', 'application/json');
        if (req.method === 'GET' && req.url === '/api/v2/alerts') res.end(alerts);
        else if (req.method === 'GET' && req.url === '/api/v2/silences') res.end(silences);
        else if (req.method === 'POST' && req.url === '/api/v2/silences') res.end('{"silenceID":"new-id"}');
        else if (req.method === 'DELETE' && req.url === '/api/v2/silence/gone') {
          res.statusCode = 404;
          res.end('"silence not found"');
        } else if (req.method === 'DELETE') res.end();
        else {
          res.statusCode = 404;
          res.end();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reads alerts with their silenced state and times', async () => {
    const [a] = await createAlertmanagerClient(() => base).alerts();
    expect(a).toMatchObject({
      fingerprint: '20fd71bdd01009df',
      labels: { alertname: 'ServiceDown', job: 'llm', instance: '127.0.0.1:8080', severity: 'critical' },
      annotations: { summary: 'llm is down' },
      startsAt: Date.parse('2026-01-05T12:00:00Z'),
      state: 'suppressed',
      silencedBy: ['20ca8e56-f402-4885-8838-3ade1ac83cb0'],
      inhibitedBy: [],
    });
  });

  it('reads silences and writes them in the v2 shape; a refused call names the status', async () => {
    const client = createAlertmanagerClient(() => base);
    const [s] = await client.silences();
    expect(s).toMatchObject({ id: '20ca8e56-f402-4885-8838-3ade1ac83cb0', createdBy: 'alice', state: 'active', endsAt: Date.parse('2030-01-01T00:00:00Z') });
    expect(s!.matchers).toHaveLength(4);
    const id = await client.createSilence({ matchers: s!.matchers, startsAt: 0, endsAt: 60_000, createdBy: 'bob', comment: 'x' });
    expect(id).toBe('new-id');
    expect(JSON.parse(requests.at(-1)!.body)).toEqual({ matchers: s!.matchers, startsAt: '1970-01-01T00:00:00.000Z', endsAt: '1970-01-01T00:01:00.000Z', createdBy: 'bob', comment: 'x' });
    await client.expireSilence('abc');
    expect(requests.at(-1)).toMatchObject({ method: 'DELETE', url: '/api/v2/silence/abc' });
    // An unknown id (the recorded 404 "silence not found") is a typed error the API answers with 400.
    const gone = await client.expireSilence('gone').then(() => null, (e: unknown) => e);
    expect(gone).toBeInstanceOf(SilenceNotFoundError);
    expect(gone).toBeInstanceOf(BadRequestError);
    expect((gone as SilenceNotFoundError).message).toBe('no silence with id gone');
    // Any other refusal keeps Alertmanager's status, as a field rather than only in the text.
    const refused = await client.postAlert({ labels: {}, annotations: {}, startsAt: 0, endsAt: 1 }).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(AlertmanagerRefusedError);
    expect(refused).toMatchObject({ status: 404, message: expect.stringMatching(/HTTP 404/) });
  });

  it('says Alertmanager is not answering when nothing listens', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    await expect(createAlertmanagerClient(() => `http://127.0.0.1:${closed}`).alerts()).rejects.toThrow(
      new RegExp(`Alertmanager is not answering at http://127.0.0.1:${closed} \\(ECONNREFUSED\\)`),
    );
    await expect(createAlertmanagerClient(() => `http://127.0.0.1:${closed}`).alerts()).rejects.toBeInstanceOf(AlertmanagerUnreachableError);
  });
});

describe('parseWebhook with recorded real payloads', () => {
  it('reads a firing and a resolved body', async () => {
    const firing = parseWebhook(await fixture('webhook-firing.json'));
    expect(firing.receiver).toBe('r');
    expect(firing.alerts).toEqual([
      {
        status: 'firing',
        alert: expect.objectContaining({ fingerprint: '20fd71bdd01009df', startsAt: Date.parse('2026-01-05T12:00:00Z'), endsAt: null, state: 'active' }),
      },
    ]);
    const resolved = parseWebhook(await fixture('webhook-resolved.json'));
    expect(resolved.alerts[0]).toMatchObject({ status: 'resolved', alert: { endsAt: Date.parse('2026-01-05T12:05:00Z') } });
  });

  it('rejects what is not a webhook body, naming the field', () => {
    expect(() => parseWebhook({ receiver: 'r', status: 'firing', alerts: [{ status: 'firing' }] })).toThrow(/alerts\.0\.labels/);
  });
});
