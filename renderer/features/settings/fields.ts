/**
 * The settings the popover edits, as data: adding a field is one entry here. Paths follow
 * main/core/settings/schema.ts; validation happens in main (the same zod schema as the file).
 */
export interface FieldSpec {
  path: Array<string | number>;
  label: string;
  /** `list`: comma-separated in the field, an array in the settings; `severities`: one checkbox per severity. */
  kind: 'text' | 'number' | 'checkbox' | 'list' | 'severities';
  hint?: string;
}

export interface FieldGroup {
  id: string;
  title: string;
  /** Where the group lives in settings.json (shown beside the title), e.g. `stack.components`. */
  section: string;
  fields: FieldSpec[];
}

/** The severities a receiver can be chosen for, in the order they are shown and saved. */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;

const COMPONENTS: Array<[string, string]> = [
  ['prometheus', 'Prometheus'],
  ['alertmanager', 'Alertmanager'],
  ['node_exporter', 'node_exporter'],
  ['grafana', 'Grafana'],
];

/** Grouped as settings.json is: lookout, stack, stack.components, alerts.rules, alerts.receivers. */
export const FIELD_GROUPS: FieldGroup[] = [
  {
    id: 'lookout',
    title: 'Lookout',
    section: 'lookout',
    fields: [
      { path: ['lookout', 'port'], label: 'Lookout port', kind: 'number' },
      { path: ['lookout', 'launchAtLogin'], label: 'Open Lookout at login (menubar app)', kind: 'checkbox' },
    ],
  },
  {
    id: 'stack',
    title: 'Stack',
    section: 'stack',
    fields: [
      { path: ['stack', 'scrapeInterval'], label: 'Scrape interval', kind: 'text', hint: 'e.g. 15s' },
      { path: ['stack', 'evaluationInterval'], label: 'Rule evaluation interval', kind: 'text', hint: 'e.g. 15s' },
      { path: ['stack', 'retention', 'time'], label: 'Keep data for', kind: 'text', hint: 'e.g. 30d' },
      { path: ['stack', 'retention', 'size'], label: 'Keep at most', kind: 'text', hint: 'e.g. 2GB' },
      { path: ['stack', 'stopOnExit'], label: 'Stop the stack when Lookout quits', kind: 'checkbox' },
    ],
  },
  {
    id: 'components',
    title: 'Components',
    section: 'stack.components',
    fields: COMPONENTS.flatMap(([id, name]): FieldSpec[] => [
      { path: ['stack', 'components', id, 'enabled'], label: `Run ${name}`, kind: 'checkbox' },
      { path: ['stack', 'components', id, 'port'], label: `${name} port`, kind: 'number' },
    ]),
  },
  {
    id: 'thresholds',
    title: 'Alert thresholds',
    section: 'alerts.rules',
    fields: [
      { path: ['alerts', 'rules', 'ServiceDown', 'for'], label: 'Service down after', kind: 'text', hint: 'e.g. 30s' },
      { path: ['alerts', 'rules', 'HighErrorRate', 'warning'], label: 'Error rate: warning at', kind: 'number', hint: '0–1' },
      { path: ['alerts', 'rules', 'HighErrorRate', 'critical'], label: 'Error rate: critical at', kind: 'number', hint: '0–1' },
      { path: ['alerts', 'rules', 'HighLatency', 'warning'], label: 'p95 latency: warning at (s)', kind: 'number' },
      { path: ['alerts', 'rules', 'HighIPCLatency', 'warning'], label: 'IPC p95: warning at (s)', kind: 'number' },
      { path: ['alerts', 'rules', 'HostHighCPU', 'warning'], label: 'CPU: warning at', kind: 'number', hint: '0–1' },
      { path: ['alerts', 'rules', 'DiskAlmostFull', 'warning'], label: 'Disk: warning at', kind: 'number', hint: '0–1' },
      { path: ['alerts', 'rules', 'NewErrorPattern', 'enabled'], label: 'Alert on a new error pattern in the logs', kind: 'checkbox' },
      { path: ['alerts', 'rules', 'NewErrorPattern', 'window'], label: 'New error pattern: count as new for', kind: 'text', hint: 'e.g. 10m' },
    ],
  },
  {
    id: 'notifications',
    title: 'Notification channels',
    section: 'alerts.receivers',
    fields: [
      { path: ['alerts', 'receivers', 'desktop', 'severities'], label: 'Desktop for', kind: 'severities' },
      { path: ['alerts', 'receivers', 'slack', 'severities'], label: 'Slack for', kind: 'severities' },
      { path: ['alerts', 'receivers', 'slack', 'channel'], label: 'Slack channel', kind: 'text', hint: '#alerts' },
      { path: ['alerts', 'receivers', 'email', 'severities'], label: 'Email for', kind: 'severities' },
      { path: ['alerts', 'receivers', 'email', 'to'], label: 'Email to', kind: 'text' },
      { path: ['alerts', 'receivers', 'email', 'from'], label: 'Email from', kind: 'text' },
      { path: ['alerts', 'receivers', 'email', 'smarthost'], label: 'SMTP server', kind: 'text', hint: 'smtp.example.com:587' },
      { path: ['alerts', 'receivers', 'webhook', 'severities'], label: 'Webhook for', kind: 'severities' },
      { path: ['alerts', 'receivers', 'webhook', 'url'], label: 'Webhook URL', kind: 'text' },
    ],
  },
];
