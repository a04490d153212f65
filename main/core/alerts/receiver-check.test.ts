import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { paths as makePaths, type Paths } from '../paths';
import { settingsSchema, type SettingsInput } from '../settings/schema';
import { ConfigError } from '../stack/apply-config';
import { checkReceivers, tcpConnect, type Connect } from './receiver-check';
import { alertmanagerDocument } from './routing';

const email = (smarthost: string, extra: object = {}): SettingsInput => ({
  alerts: { receivers: { email: { severities: ['critical'], to: 'me@example.com', from: 'lookout@example.com', smarthost, ...extra } } },
});

describe('checkReceivers', () => {
  let home: string;
  let paths: Paths;
  let connects: string[];
  const okConnect: Connect = async (host, port) => void connects.push(`${host}:${port}`);

  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'lookout-receivers-'));
    paths = makePaths(home);
    await mkdir(paths.secretsDir, { recursive: true });
    await mkdir(paths.stackDir, { recursive: true });
    connects = [];
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  const check = (input: SettingsInput, connect: Connect = okConnect) => checkReceivers(settingsSchema.parse(input), paths, { connect });
  const secret = async (file: string, value: string) => {
    await writeFile(path.join(paths.secretsDir, file), value);
    await chmod(path.join(paths.secretsDir, file), 0o600);
  };

  it('passes the defaults (no external receiver) without touching the network', async () => {
    await expect(check({})).resolves.toBeUndefined();
    expect(connects).toEqual([]);
  });

  it('names the Slack setting when its URL is missing or malformed', async () => {
    const slack: SettingsInput = { alerts: { receivers: { slack: { severities: ['critical'] } } } };
    await expect(check(slack)).rejects.toThrow(ConfigError);
    await expect(check(slack)).rejects.toThrow(/^alerts\.receivers\.slack: Slack is enabled .* set the secret slackUrl/);
    await secret('alert-slack-url', 'hooks.slack.com/services/T0/B0/x');
    await expect(check(slack)).rejects.toThrow(/alerts\.receivers\.slack: the stored Slack webhook URL is malformed \(slackUrl: must be a Slack incoming-webhook URL/);
    await secret('alert-slack-url', 'https://hooks.slack.com/services/T0/B0/x');
    await expect(check(slack)).resolves.toBeUndefined();
  });

  it('names the email and webhook settings whose secret is missing', async () => {
    await expect(check(email('smtp.example.com:587', { username: 'me' }))).rejects.toThrow(/alerts\.receivers\.email\.username: an SMTP user is set but no password/);
    await expect(check({ alerts: { receivers: { webhook: { severities: ['critical'], url: 'https://example.com/h', sendToken: true } } } })).rejects.toThrow(/alerts\.receivers\.webhook\.sendToken/);
  });

  it('names the SMTP host that cannot be reached, with the reason, and says the running config stays', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const err = await check(email(`127.0.0.1:${closed}`), tcpConnect).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(
      `alerts.receivers.email.smarthost: cannot reach the SMTP server 127.0.0.1:${closed} (ECONNREFUSED); check the host name and port\nThe running alert rules and routes stay as they were.`,
    );
    await expect(check(email('smtp.invalid:587'), tcpConnect)).rejects.toThrow(/cannot reach the SMTP server smtp\.invalid:587 \((ENOTFOUND|EAI_AGAIN)/);
  });

  it('connects to a listening SMTP port, and skips the check when the email settings in force are unchanged', async () => {
    // Lookout only connects and hangs up, so the greeting may meet a reset socket.
    const server = net.createServer((s) => s.on('error', () => undefined).end('220 fake-smtp ready\r\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await expect(check(email(`127.0.0.1:${port}`), tcpConnect)).resolves.toBeUndefined();
    } finally {
      await new Promise((r) => server.close(r));
    }
    const settings = settingsSchema.parse(email('smtp.example.com:587'));
    await writeFile(path.join(paths.stackDir, 'alertmanager.yml'), stringify(alertmanagerDocument(settings, { url: 'x', credentialsFile: 'y', secretsDir: paths.secretsDir })));
    await check(email('smtp.example.com:587'));
    expect(connects).toEqual([]);
    await check(email('smtp.example.com:465'));
    expect(connects).toEqual(['smtp.example.com:465']);
  });
});
