import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { settingsSchema, type SettingsInput } from '../settings/schema';
import { SEVERITIES } from './settings-schema';
import { alertmanagerDocument, receiversFor } from './routing';

const hook = { url: 'http://127.0.0.1:9469/api/v1/alertmanager/webhook', credentialsFile: '/h/secrets/webhook-token', secretsDir: '/h/secrets' };
const doc = (input: SettingsInput = {}) => alertmanagerDocument(settingsSchema.parse(input), hook) as {
  route: { group_by: string[]; group_wait: string; routes: Array<{ receiver: string; matchers: string[]; continue?: boolean }> };
  inhibit_rules: Array<{ source_matchers: string[]; target_matchers: string[]; equal: string[] }>;
  receivers: Array<Record<string, unknown> & { name: string }>;
};

const ALL: SettingsInput = {
  alerts: {
    receivers: {
      desktop: { severities: ['critical'] },
      slack: { severities: ['critical', 'warning'], channel: '#alerts' },
      email: { severities: ['critical'], to: 'me@example.com', from: 'lookout@example.com', smarthost: 'smtp.example.com:587', username: 'me' },
      webhook: { severities: ['info'], url: 'https://example.com/hook', sendToken: true },
    },
  },
};

describe('alertmanagerDocument', () => {
  it('groups by alertname, job and severity with the short timings from settings', () => {
    const { route } = doc({ alerts: { routing: { groupWait: '2s' } } });
    expect(route.group_by).toEqual(['alertname', 'job', 'severity']);
    expect(route.group_wait).toBe('2s');
  });

  it('sends the Watchdog to Lookout only, and every other alert to Lookout exactly once', () => {
    const { route } = doc(ALL);
    expect(route.routes[0]).toMatchObject({ receiver: 'lookout', matchers: ['alertname="Watchdog"'] });
    expect(route.routes[0]!.continue).toBeUndefined();
    expect(route.routes.slice(1).map((r) => [r.receiver, r.matchers])).toEqual([
      ['desktop', ['severity=~"critical"']],
      ['lookout', ['severity!~"critical"']],
      ['slack', ['severity=~"critical|warning"']],
      ['email', ['severity=~"critical"']],
      ['webhook', ['severity=~"info"']],
    ]);
  });

  it('reads every secret from a file under the secrets dir, never inline', () => {
    const d = doc(ALL);
    const byName = Object.fromEntries(d.receivers.map((r) => [r.name, r]));
    expect(byName.slack).toMatchObject({ slack_configs: [{ api_url_file: '/h/secrets/alert-slack-url', channel: '#alerts' }] });
    expect(byName.email).toMatchObject({ email_configs: [{ auth_username: 'me', auth_password_file: '/h/secrets/alert-smtp-password', require_tls: true }] });
    expect(byName.webhook).toMatchObject({ webhook_configs: [{ url: 'https://example.com/hook', http_config: { authorization: { type: 'Bearer', credentials_file: '/h/secrets/alert-webhook-token' } } }] });
    const text = stringify(d);
    expect(text).not.toMatch(/^\s*(api_url|auth_password|credentials|bearer_token|password):/m);
  });

  it('inhibits a down job\'s symptoms and the warning level of a critical alert', () => {
    const [down, level] = doc().inhibit_rules;
    expect(down).toEqual({ source_matchers: ['alertname="ServiceDown"'], target_matchers: ['alertname=~"HighErrorRate|HighLatency|HighIPCLatency|IPCErrors|TargetScrapeGaps"'], equal: ['job'] });
    expect(level!.source_matchers).toEqual(['severity="critical"']);
    expect(level!.target_matchers).toEqual(['severity="warning"']);
    expect(level!.equal.slice(0, 3)).toEqual(['alertname', 'job', 'instance']);
  });

  it('renders no receiver for a channel with no severities, and routes nothing to it', () => {
    const d = doc();
    expect(d.receivers.map((r) => r.name)).toEqual(['lookout', 'desktop']);
    expect(receiversFor(settingsSchema.parse({}), 'critical')).toEqual(['desktop']);
    expect(SEVERITIES.map((s) => receiversFor(settingsSchema.parse(ALL), s))).toEqual([['desktop', 'slack', 'email'], ['lookout', 'slack'], ['lookout', 'webhook']]);
  });
});
