/**
 * The settings the popover edits, as data: adding a field is one entry here. Paths follow
 * main/core/settings/schema.ts; validation happens in main (the same zod schema as the file).
 */
export interface FieldSpec {
  path: Array<string | number>;
  label: string;
  /** `list`: comma-separated in the field, an array in the settings (e.g. severities). */
  kind: 'text' | 'number' | 'checkbox' | 'list';
  hint?: string;
}

export interface FieldGroup {
  id: string;
  title: string;
  fields: FieldSpec[];
}

const COMPONENTS: Array<[string, string]> = [
  ['prometheus', 'Prometheus'],
  ['alertmanager', 'Alertmanager'],
  ['node_exporter', 'node_exporter'],
];

export const FIELD_GROUPS: FieldGroup[] = [
  {
    id: 'runtime',
    title: 'Runtime',
    fields: [
      { path: ['stack', 'scrapeInterval'], label: 'Scrape interval', kind: 'text', hint: 'e.g. 15s' },
      { path: ['stack', 'evaluationInterval'], label: 'Rule evaluation interval', kind: 'text', hint: 'e.g. 15s' },
      { path: ['stack', 'retention', 'time'], label: 'Keep data for', kind: 'text', hint: 'e.g. 30d' },
      { path: ['stack', 'retention', 'size'], label: 'Keep at most', kind: 'text', hint: 'e.g. 2GB' },
      { path: ['stack', 'stopOnExit'], label: 'Stop the stack when Lookout quits', kind: 'checkbox' },
      { path: ['lookout', 'launchAtLogin'], label: 'Open Lookout at login (menubar app)', kind: 'checkbox' },
    ],
  },
  {
    id: 'ports',
    title: 'Ports',
    fields: [
      { path: ['lookout', 'port'], label: 'Lookout', kind: 'number' },
      ...COMPONENTS.map(([id, name]): FieldSpec => ({ path: ['stack', 'components', id, 'port'], label: name, kind: 'number' })),
    ],
  },
  {
    id: 'components',
    title: 'Components',
    fields: COMPONENTS.map(([id, name]): FieldSpec => ({ path: ['stack', 'components', id, 'enabled'], label: `Run ${name}`, kind: 'checkbox' })),
  },
  {
    id: 'thresholds',
    title: 'Alert thresholds',
    fields: [
      { path: ['alerts', 'rules', 'ServiceDown', 'for'], label: 'Service down after', kind: 'text', hint: 'e.g. 30s' },
      { path: ['alerts', 'rules', 'HighErrorRate', 'warning'], label: 'Error rate: warning at', kind: 'number', hint: '0–1' },
      { path: ['alerts', 'rules', 'HighErrorRate', 'critical'], label: 'Error rate: critical at', kind: 'number', hint: '0–1' },
      { path: ['alerts', 'rules', 'HighLatency', 'warning'], label: 'p95 latency: warning at (s)', kind: 'number' },
      { path: ['alerts', 'rules', 'HighIPCLatency', 'warning'], label: 'IPC p95: warning at (s)', kind: 'number' },
      { path: ['alerts', 'rules', 'HostHighCPU', 'warning'], label: 'CPU: warning at', kind: 'number', hint: '0–1' },
      { path: ['alerts', 'rules', 'DiskAlmostFull', 'warning'], label: 'Disk: warning at', kind: 'number', hint: '0–1' },
    ],
  },
  {
    id: 'notifications',
    title: 'Notification channels',
    fields: [
      { path: ['alerts', 'receivers', 'desktop', 'severities'], label: 'Desktop for', kind: 'list', hint: 'critical, warning' },
      { path: ['alerts', 'receivers', 'slack', 'severities'], label: 'Slack for', kind: 'list', hint: 'critical' },
      { path: ['alerts', 'receivers', 'slack', 'channel'], label: 'Slack channel', kind: 'text', hint: '#alerts' },
      { path: ['alerts', 'receivers', 'email', 'severities'], label: 'Email for', kind: 'list' },
      { path: ['alerts', 'receivers', 'email', 'to'], label: 'Email to', kind: 'text' },
      { path: ['alerts', 'receivers', 'email', 'from'], label: 'Email from', kind: 'text' },
      { path: ['alerts', 'receivers', 'email', 'smarthost'], label: 'SMTP server', kind: 'text', hint: 'smtp.example.com:587' },
      { path: ['alerts', 'receivers', 'webhook', 'severities'], label: 'Webhook for', kind: 'list' },
      { path: ['alerts', 'receivers', 'webhook', 'url'], label: 'Webhook URL', kind: 'text' },
    ],
  },
];
