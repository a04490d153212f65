import { describe, expect, it } from 'vitest';
import { settingsSchema, type SettingsInput } from '../settings/schema';
import { ALERT_NAMES, alertRules, lookoutRuleGroups, RECORDING_RULES, SERVICE_DOWN_EXPR } from './rules';

const rules = (input: SettingsInput = {}) => alertRules(settingsSchema.parse(input));
const exprs = (input: SettingsInput, name: string) => rules(input).filter((r) => r.alert === name).map((r) => [r.labels.severity, r.expr, r.for]);

describe('alert rules from settings', () => {
  it('ship every named alert with a severity and summary, description and runbook annotations', () => {
    const list = rules();
    expect([...new Set(list.map((r) => r.alert))]).toEqual([...ALERT_NAMES]);
    for (const r of list) {
      expect(['critical', 'warning', 'info'], r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary, r.alert).not.toBe('');
      expect(r.annotations.description, r.alert).not.toBe('');
      expect(r.annotations.runbook, r.alert).toMatch(new RegExp(`^docs/runbooks.md#${r.alert.toLowerCase()} — `));
    }
  });

  it('take thresholds and for: periods from settings, one rule per enabled level', () => {
    expect(exprs({ alerts: { rules: { HighErrorRate: { for: '30s', warning: 0.1, critical: null } } } }, 'HighErrorRate')).toEqual([
      ['warning', 'job:http_requests_errors:ratio_rate1m > 0.1', '30s'],
    ]);
    expect(exprs({ alerts: { rules: { DiskAlmostFull: { warning: 0.8, critical: 0.95 } } } }, 'DiskAlmostFull')).toEqual([
      ['warning', 'mountpoint:filesystem_used:ratio > 0.8', '5m'],
      ['critical', 'mountpoint:filesystem_used:ratio > 0.95', '5m'],
    ]);
    expect(exprs({ alerts: { rules: { ServiceDown: { for: '1m' } } } }, 'ServiceDown')).toEqual([['critical', SERVICE_DOWN_EXPR, '1m']]);
  });

  it('judge jobs with their own latency thresholds, and everyone else by the default', () => {
    expect(exprs({ alerts: { rules: { HighLatency: { warning: 2, critical: 5, jobs: { llm: { warning: 20 }, 'my-api': { critical: 1 } } } } } }, 'HighLatency')).toEqual([
      ['warning', '(job:http_request_duration_seconds:p95{job!~"llm|my-api"} > 2) or (job:http_request_duration_seconds:p95{job="llm"} > 20)', '5m'],
      ['critical', '(job:http_request_duration_seconds:p95{job!~"llm|my-api"} > 5) or (job:http_request_duration_seconds:p95{job="my-api"} > 1)', '5m'],
    ]);
  });

  it('leave out disabled rules and levels set to null', () => {
    const names = rules({ alerts: { rules: { Watchdog: { enabled: false }, HostGPUSaturated: { enabled: false }, HostHighCPU: { warning: null } } } }).map((r) => r.alert);
    expect(names).not.toContain('Watchdog');
    expect(names).not.toContain('HostGPUSaturated');
    expect(names).not.toContain('HostHighCPU');
  });

  it('render one group, recording rules first, at the alerts evaluation interval', () => {
    const { groups } = lookoutRuleGroups(settingsSchema.parse({ alerts: { evaluationInterval: '10s' } }));
    expect(groups).toHaveLength(1);
    expect(groups[0]!.interval).toBe('10s');
    expect(groups[0]!.rules.slice(0, RECORDING_RULES.length)).toEqual(RECORDING_RULES);
  });
});

describe('alerts settings validation', () => {
  const issues = (input: unknown) => {
    const r = settingsSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  it('names the field of a threshold that is not a number, a bad duration and a ratio out of range', () => {
    expect(issues({ alerts: { rules: { HighErrorRate: { warning: 'lots' } } } })).toEqual([expect.stringMatching(/^alerts\.rules\.HighErrorRate\.warning: .*number/)]);
    expect(issues({ alerts: { rules: { ServiceDown: { for: 'soon' } } } })).toEqual([expect.stringMatching(/^alerts\.rules\.ServiceDown\.for: must be a Prometheus duration/)]);
    expect(issues({ alerts: { rules: { DiskAlmostFull: { critical: 97 } } } })).toEqual(['alerts.rules.DiskAlmostFull.critical: must be a ratio from 0 to 1']);
    expect(issues({ alerts: { rules: { NoSuchRule: {} } } })).toEqual([expect.stringMatching(/^alerts\.rules: .*NoSuchRule/)]);
    // Both levels fire above their threshold: a critical one below the warning one is refused, under critical.
    expect(issues({ alerts: { rules: { HighErrorRate: { warning: 0.05, critical: 0.01 } } } })).toEqual(['alerts.rules.HighErrorRate.critical: must be at least the warning level (0.05): both fire above their level']);
    expect(issues({ alerts: { rules: { HighLatency: { jobs: { llm: { warning: 20, critical: 5 } } } } } })).toEqual(['alerts.rules.HighLatency.jobs.llm.critical: must be at least the warning level (20): both fire above their level']);
    expect(issues({ alerts: { rules: { HighErrorRate: { warning: 0.05, critical: 0.05 }, HostHighCPU: { warning: 0.9, critical: null } } } })).toEqual([]);
  });
  it('requires what an enabled receiver needs, and keeps secrets out of settings', () => {
    expect(issues({ alerts: { receivers: { email: { severities: ['critical'] } } } })).toEqual([
      'alerts.receivers.email.to: is required when email is enabled (email.severities is not empty)',
      'alerts.receivers.email.from: is required when email is enabled (email.severities is not empty)',
      'alerts.receivers.email.smarthost: is required when email is enabled (email.severities is not empty)',
    ]);
    expect(issues({ alerts: { receivers: { slack: { apiUrl: 'https://hooks.slack.com/x' } } } })).toEqual([expect.stringMatching(/^alerts\.receivers\.slack: .*apiUrl/)]);
    expect(issues({ alerts: { receivers: { email: { smarthost: 'smtp.example.com' } } } })).toEqual(['alerts.receivers.email.smarthost: must be host:port such as smtp.example.com:587']);
    expect(issues({ alerts: { receivers: { desktop: { severities: ['critical', 'critical'] } } } })).toEqual(['alerts.receivers.desktop.severities: lists a severity twice']);
  });
});
