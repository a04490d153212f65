/**
 * alertmanager.yml's routing, inhibition and receivers, from settings. Secrets are referenced by file
 * (`api_url_file`, `auth_password_file`, `credentials_file`), never inlined.
 *
 * Route tree (first match wins unless `continue`):
 *   Watchdog                        → lookout     (only Lookout; re-sent every watchdog.repeatInterval)
 *   severity in desktop.severities  → desktop     (Lookout's webhook; Lookout shows a notification)   continue
 *   any other severity              → lookout     (Lookout's webhook; listed, not notified)           continue
 *   severity in slack.severities    → slack                                                          continue
 *   severity in email.severities    → email                                                          continue
 *   severity in webhook.severities  → webhook                                                        continue
 * Every alert reaches Lookout exactly once (desktop or lookout), so its list is complete, and
 * `amtool config routes test severity=…` names exactly the receivers the settings chose.
 */
import type { Settings } from '../settings/schema';
import { JOB_SYMPTOM_ALERTS, SUBJECT_LABELS } from './rules';
import { secretFile } from './secret-files';
import type { Severity } from './settings-schema';

/** Receiver names as they appear in alertmanager.yml and in webhook payloads. */
export const RECEIVERS = { lookout: 'lookout', desktop: 'desktop', slack: 'slack', email: 'email', webhook: 'webhook' } as const;

export interface LookoutWebhook {
  /** Lookout's webhook URL on 127.0.0.1. */
  url: string;
  /** File with the bearer token Alertmanager presents to Lookout. */
  credentialsFile: string;
  /** Where the receivers' secret files live. */
  secretsDir: string;
}

/** `severity=~"critical|warning"` for a list of severities. */
const severityMatcher = (list: readonly Severity[]) => `severity=~"${list.join('|')}"`;

/** The receivers that get each severity under these settings (Lookout's own webhook always gets everything). */
export function receiversFor(settings: Settings, severity: string): string[] {
  const r = settings.alerts.receivers;
  const has = (list: readonly string[]) => list.includes(severity);
  const out: string[] = [has(r.desktop.severities) ? RECEIVERS.desktop : RECEIVERS.lookout];
  if (has(r.slack.severities)) out.push(RECEIVERS.slack);
  if (has(r.email.severities)) out.push(RECEIVERS.email);
  if (has(r.webhook.severities)) out.push(RECEIVERS.webhook);
  return out;
}

function lookoutWebhook(hook: LookoutWebhook): Record<string, unknown> {
  return {
    url: hook.url,
    send_resolved: true,
    http_config: { authorization: { type: 'Bearer', credentials_file: hook.credentialsFile } },
  };
}

const SLACK_TITLE =
  '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}{{ with .CommonLabels.job }} ({{ . }}){{ end }}';
const SLACK_TEXT = '{{ range .Alerts }}*{{ .Labels.severity }}* {{ .Annotations.summary }}\n{{ .Annotations.description }}\n{{ end }}';

/** The whole alertmanager.yml document except `global` (none is needed). */
export function alertmanagerDocument(settings: Settings, hook: LookoutWebhook): Record<string, unknown> {
  const a = settings.alerts;
  const r = a.receivers;
  const receivers: Array<Record<string, unknown>> = [
    { name: RECEIVERS.lookout, webhook_configs: [lookoutWebhook(hook)] },
  ];
  const routes: Array<Record<string, unknown>> = [];

  if (a.rules.Watchdog.enabled) {
    routes.push({
      receiver: RECEIVERS.lookout,
      matchers: ['alertname="Watchdog"'],
      // Sent at once and repeated often: Lookout counts its arrivals as the pipeline's heartbeat.
      group_wait: '0s',
      repeat_interval: a.watchdog.repeatInterval,
    });
  }

  if (r.desktop.severities.length) {
    receivers.push({ name: RECEIVERS.desktop, webhook_configs: [lookoutWebhook(hook)] });
    routes.push({ receiver: RECEIVERS.desktop, matchers: [severityMatcher(r.desktop.severities)], continue: true });
  }
  // Also catches alerts without a severity label (the user's own rule files): listed, never notified.
  routes.push({ receiver: RECEIVERS.lookout, matchers: r.desktop.severities.length ? [`severity!~"${r.desktop.severities.join('|')}"`] : [], continue: true });

  if (r.slack.severities.length) {
    receivers.push({
      name: RECEIVERS.slack,
      slack_configs: [
        {
          api_url_file: secretFile(hook.secretsDir, 'slackUrl'),
          ...(r.slack.channel ? { channel: r.slack.channel } : {}),
          send_resolved: true,
          title: SLACK_TITLE,
          text: SLACK_TEXT,
        },
      ],
    });
    routes.push({ receiver: RECEIVERS.slack, matchers: [severityMatcher(r.slack.severities)], continue: true });
  }

  if (r.email.severities.length) {
    const e = r.email;
    receivers.push({
      name: RECEIVERS.email,
      email_configs: [
        {
          to: e.to,
          from: e.from,
          smarthost: e.smarthost,
          ...(e.username ? { auth_username: e.username, auth_password_file: secretFile(hook.secretsDir, 'smtpPassword') } : {}),
          require_tls: e.requireTls,
          send_resolved: true,
        },
      ],
    });
    routes.push({ receiver: RECEIVERS.email, matchers: [severityMatcher(e.severities)], continue: true });
  }

  if (r.webhook.severities.length) {
    const w = r.webhook;
    receivers.push({
      name: RECEIVERS.webhook,
      webhook_configs: [
        {
          url: w.url,
          send_resolved: w.sendResolved,
          ...(w.sendToken ? { http_config: { authorization: { type: 'Bearer', credentials_file: secretFile(hook.secretsDir, 'webhookToken') } } } : {}),
        },
      ],
    });
    routes.push({ receiver: RECEIVERS.webhook, matchers: [severityMatcher(w.severities)], continue: true });
  }

  return {
    route: {
      receiver: RECEIVERS.lookout,
      group_by: ['alertname', 'job', 'severity'],
      // Short timings suit one person watching one machine: hear about a problem seconds after its `for:`.
      group_wait: a.routing.groupWait,
      group_interval: a.routing.groupInterval,
      repeat_interval: a.routing.repeatInterval,
      routes,
    },
    inhibit_rules: [
      {
        // A job that is down has no latency or error rate worth hearing about.
        source_matchers: ['alertname="ServiceDown"'],
        target_matchers: [`alertname=~"${JOB_SYMPTOM_ALERTS.join('|')}"`],
        equal: ['job'],
      },
      {
        // The critical level of an alert says everything its warning level would.
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ['alertname', ...SUBJECT_LABELS],
      },
    ],
    receivers,
  };
}
