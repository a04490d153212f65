/**
 * The settings the popover edits, as data: adding a field is one entry here. Paths follow
 * main/core/settings/schema.ts; validation happens in main (the same zod schema as the file).
 */
export interface FieldSpec {
  path: Array<string | number>;
  label: string;
  kind: 'text' | 'number' | 'checkbox';
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
];
