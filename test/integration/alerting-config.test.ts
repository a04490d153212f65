/**
 * Bad alerting input against a real `lookout serve` with the real Prometheus and Alertmanager: each
 * mistake gets an error naming the setting, and the running rules and routes stay as they were (the
 * files on disk and what Prometheus and Alertmanager have loaded). Then the fixed input applies, with
 * secrets only in 0600 files. (Run `node scripts/build.mjs` first.)
 */
import { spawnSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackSnapshot } from '../../common/model';
import type { SettingsInput } from '../../main/core/settings/schema';
import { CLI, startServe, type RunningServe } from '../support/serve';
import { freePorts, makeHome, waitFor, type TestHome } from '../support/stack-env';

const SLACK_URL = 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX';

describe('alerting settings: bad input is refused by name, the running config stays (real stack)', () => {
  let env: TestHome;
  let serve: RunningServe;
  let smtp: net.Server;
  let smtpPort: number;
  let closedPort: number;

  const stack = async () => (await (await fetch(`${serve.info.url}/api/v1/stack`, { headers: { Authorization: `Bearer ${serve.info.token}` } })).json()) as StackSnapshot;
  const file = (rel: string) => readFile(path.join(env.home, 'stack', rel), 'utf8');
  const write = (alerts: SettingsInput['alerts'] | Record<string, unknown>) => env.writeSettings({ ...env.settings, alerts });
  /** The config Alertmanager has loaded, as it reports it. */
  const amConfig = async () => ((await (await fetch(`http://127.0.0.1:${env.ports.alertmanager}/api/v2/status`)).json()) as { config: { original: string } }).config.original;
  /** The HighErrorRate warning expression Prometheus evaluates now. */
  const promRule = async () => {
    const body = (await (await fetch(`http://127.0.0.1:${env.ports.prometheus}/api/v1/rules?type=alert`)).json()) as { data: { groups: Array<{ rules: Array<{ name: string; query: string; labels: Record<string, string> }> }> } };
    return body.data.groups.flatMap((g) => g.rules).find((r) => r.name === 'HighErrorRate' && r.labels.severity === 'warning')?.query;
  };
  const cli = (args: string[], input: string) => spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', env: { ...process.env, LOOKOUT_HOME: env.home } });

  beforeAll(async () => {
    smtp = net.createServer((s) => s.on('error', () => undefined).end('220 fake-smtp ESMTP\r\n'));
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    smtpPort = (smtp.address() as net.AddressInfo).port;
    [closedPort] = (await freePorts(1)) as [number];
    env = await makeHome();
    serve = await startServe(env.home);
    const res = await fetch(`${serve.info.url}/api/v1/stack/start`, { method: 'POST', headers: { Authorization: `Bearer ${serve.info.token}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
    await waitFor('Prometheus to load Lookout\'s rules', async () => (await promRule()) === 'job:http_requests_errors:ratio_rate1m > 0.05', 30_000, 500);
  }, 120_000);
  afterAll(async () => {
    await serve?.stop();
    await env?.cleanup();
    await new Promise((r) => smtp?.close(r));
  });

  it('a threshold that is not a number: the error names the field; rules on disk and in Prometheus unchanged', async () => {
    const before = await file('rules/lookout.yml');
    await write({ rules: { HighErrorRate: { warning: 'lots' } } });
    const snap = await waitFor('the settings error', async () => ((await stack()).settingsError?.includes('HighErrorRate') ? await stack() : null), 15_000, 200);
    expect(snap.settingsError).toMatch(/alerts\.rules\.HighErrorRate\.warning: .*number/);
    expect(await file('rules/lookout.yml')).toBe(before);
    expect(await promRule()).toBe('job:http_requests_errors:ratio_rate1m > 0.05');
  });

  it('a valid threshold applies: Prometheus reloads the new rule', async () => {
    await write({ rules: { HighErrorRate: { warning: 0.1 } } });
    await waitFor('Prometheus to evaluate the new threshold', async () => (await promRule()) === 'job:http_requests_errors:ratio_rate1m > 0.1', 30_000, 500);
    expect((await stack()).settingsError).toBeNull();
  });

  it('a malformed Slack URL is refused naming the setting, by the API and by `lookout secrets set`; nothing is stored', async () => {
    const res = await fetch(`${serve.info.url}/api/v1/secrets/slackUrl`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${serve.info.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ value: 'hooks.slack.com/services/T0/B0/x' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'alerts.receivers.slack (secret slackUrl): must be a Slack incoming-webhook URL such as https://hooks.slack.com/services/T000/B000/XXXX',
    );
    const r = cli(['secrets', 'set', 'slackUrl'], 'http://hooks.slack.com/services/T0/B0/x\n');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('alerts.receivers.slack (secret slackUrl): must be an https:// URL');
    await expect(stat(path.join(env.home, 'secrets', 'alert-slack-url'))).rejects.toThrow(/ENOENT/);
  });

  it('Slack enabled without its URL: the config error names the setting and Alertmanager keeps its routes; with the URL set, it applies', async () => {
    const amBefore = await amConfig();
    const fileBefore = await file('alertmanager.yml');
    await write({ rules: { HighErrorRate: { warning: 0.1 } }, receivers: { slack: { severities: ['critical'] } } });
    const snap = await waitFor('the config error', async () => ((await stack()).configError ? await stack() : null), 15_000, 200);
    expect(snap.configError).toMatch(/^alerts\.receivers\.slack: Slack is enabled .* set the secret slackUrl/);
    expect(await file('alertmanager.yml')).toBe(fileBefore);
    expect(await amConfig()).toBe(amBefore);

    const r = cli(['secrets', 'set', 'slackUrl'], `${SLACK_URL}\n`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^slackUrl\s+set$/m);
    await waitFor('Alertmanager to load the Slack route', async () => (await amConfig()).includes('slack_configs'), 30_000, 500);
    expect((await stack()).configError).toBeNull();
    const secretFile = path.join(env.home, 'secrets', 'alert-slack-url');
    expect(await readFile(secretFile, 'utf8')).toBe(SLACK_URL);
    expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
    // Only the file reference anywhere else.
    expect(await file('alertmanager.yml')).toContain(`api_url_file: ${secretFile}`);
    for (const text of [await file('alertmanager.yml'), await readFile(path.join(env.home, 'settings.json'), 'utf8'), await amConfig()]) expect(text).not.toContain('hooks.slack.com');
  });

  it('an unreachable SMTP host: the config error names the setting and the reason; Alertmanager keeps its routes; a reachable one applies', async () => {
    const amBefore = await amConfig();
    const email = (port: number) => ({
      rules: { HighErrorRate: { warning: 0.1 } },
      receivers: { slack: { severities: ['critical'] }, email: { severities: ['critical'], to: 'me@example.com', from: 'lookout@example.com', smarthost: `127.0.0.1:${port}`, requireTls: false } },
    });
    await write(email(closedPort));
    const snap = await waitFor('the config error', async () => ((await stack()).configError?.includes('smarthost') ? await stack() : null), 15_000, 200);
    expect(snap.configError).toBe(
      `alerts.receivers.email.smarthost: cannot reach the SMTP server 127.0.0.1:${closedPort} (ECONNREFUSED); check the host name and port\nThe running alert rules and routes stay as they were.`,
    );
    expect(await amConfig()).toBe(amBefore);
    expect(await file('alertmanager.yml')).not.toContain('email_configs');

    await write(email(smtpPort));
    await waitFor('Alertmanager to load the email route', async () => (await amConfig()).includes(`smarthost: 127.0.0.1:${smtpPort}`), 30_000, 500);
    expect((await stack()).configError).toBeNull();
  });
});
