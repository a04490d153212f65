import { z } from 'zod';
import { fieldPath } from '../../../common/field-path';
import { alertsSettingsSchema } from '../alerts/settings-schema';
import { metricsSettingsSchema, serviceIpcSchema, serviceProcessSchema } from '../metrics/settings';
import { promDuration as duration, promSize } from './prom-units';
import { port } from './units';
import { dockerSettingsSchema, installSettingsSchema, runtimeField } from '../install/settings-schema';
import { logsSettingsSchema, serviceLogsSchema } from '../logs/settings-schema';
import { jaegerComponentSchema, storeSettingsSchema, tracesSettingsSchema } from '../traces/settings-schema';
import { backupSettingsSchema } from '../backup/settings-schema';
import { attachSchema, lockdownSettingsSchema } from '../lockdown/settings-schema';
import { remoteWriteSettingsSchema } from '../remote-write/settings-schema';

/** Prometheus label and job names. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const JOB_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;
/** Job names Lookout renders itself; a service may not reuse them. */
export const RESERVED_JOBS = ['prometheus', 'alertmanager', 'node_exporter', 'lookout'] as const;


const component = (defaultPort: number) =>
  z
    .object({
      enabled: z.boolean().default(true),
      port: port.default(defaultPort),
      /** Absolute path of the binary; when unset, the search order from docs/architecture.md applies. */
      binary: z.string().refine((p) => p.startsWith('/'), { message: 'must be an absolute path' }).optional(),
      /** A process on this machine (native) or a container of Lookout's compose project (docker). */
      runtime: runtimeField,
    })
    .strict()
    .prefault({});

/**
 * Prometheus and Alertmanager can also be attached (an existing server Lookout uses but does not run):
 * `attach` set means the supervisor neither starts nor stops it (main/core/lockdown/settings-schema.ts).
 */
const attachableComponent = (defaultPort: number) =>
  z
    .object({
      enabled: z.boolean().default(true),
      port: port.default(defaultPort),
      binary: z.string().refine((p) => p.startsWith('/'), { message: 'must be an absolute path' }).optional(),
      /** How Lookout runs it when not attached (attached: it runs wherever the user runs it). */
      runtime: runtimeField,
      attach: attachSchema.optional(),
    })
    .strict()
    .prefault({});

/** Grafana also needs its --homepath (the dir holding conf/defaults.ini and public/), which Homebrew keeps apart from the binary. */
const grafanaComponent = z
  .object({
    enabled: z.boolean().default(true),
    port: port.default(3000),
    binary: z.string().refine((p) => p.startsWith('/'), { message: 'must be an absolute path' }).optional(),
    /** When unset: beside the binary, then Homebrew's and Debian's share dirs (main/core/grafana/homepath.ts). */
    homepath: z.string().refine((p) => p.startsWith('/'), { message: 'must be an absolute path' }).optional(),
    runtime: runtimeField,
  })
  .strict()
  .prefault({});

const service = z
  .object({
    name: z.string().regex(JOB_NAME, 'must start with a letter or _ and contain only letters, digits, _ and -')
      .refine((n) => !(RESERVED_JOBS as readonly string[]).includes(n), { message: `is reserved (${RESERVED_JOBS.join(', ')})` }),
    url: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL such as http://127.0.0.1:8080' }),
    metricsPath: z.string().startsWith('/', 'must start with /').default('/metrics'),
    labels: z
      .record(z.string(), z.string())
      .default({})
      .superRefine((labels, ctx) => {
        for (const key of Object.keys(labels)) {
          if (!LABEL_NAME.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'label names are letters, digits and _' });
          else if (key.startsWith('__') || key === 'job' || key === 'instance') ctx.addIssue({ code: 'custom', path: [key], message: 'job, instance and __* labels are set by Lookout' });
        }
      }),
    /** IPC endpoints the native collectors probe (main/core/metrics/settings.ts). */
    ipc: serviceIpcSchema,
    /** How the native collectors find the service's process (pid file, port or name). */
    process: serviceProcessSchema,
    /** Its log files (absolute paths or globs), followed into the telemetry store (main/core/logs). */
    logs: serviceLogsSchema,
  })
  .strict();

/** The settings file ($LOOKOUT_HOME/settings.json). Every field has a default, so `{}` is valid. */
export const settingsSchema = z
  .object({
    lookout: z
      .object({
        /** Lookout's own HTTP listener: API, UI in browser mode, /metrics and the Alertmanager webhook. */
        port: port.default(9469),
        /** Open the menubar app at login (macOS login item; ignored by `lookout serve`). */
        launchAtLogin: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    stack: z
      .object({
        // 5 s rather than Prometheus' 15 s: a crashed service is seen within seconds (docs/architecture.md, Alerting).
        scrapeInterval: duration().default('5s'),
        evaluationInterval: duration().default('15s'),
        retention: z
          .object({
            time: duration().default('30d'),
            size: promSize().default('2GB'),
          })
          .strict()
          .prefault({}),
        /**
         * The user's own Prometheus rule files (absolute paths). They are copied into the rendered
         * rules/ dir and checked by promtool with everything else; a bad one never replaces the running rules.
         */
        ruleFiles: z.array(z.string().refine((p) => p.startsWith('/'), { message: 'must be an absolute path' })).default([]),
        /** Stop the components when Lookout quits. Off by default: the stack keeps collecting and is adopted on the next start. */
        stopOnExit: z.boolean().default(false),
        components: z
          .object({
            prometheus: attachableComponent(9090),
            alertmanager: attachableComponent(9093),
            node_exporter: component(9100),
            // Enabled by default: a Mac without Grafana shows it as not-installed with the brew command, rather than hiding it.
            grafana: grafanaComponent,
            // Off by default: Lookout keeps and shows traces itself; Jaeger is for those who want its UI.
            jaeger: jaegerComponentSchema,
          })
          .strict()
          .prefault({}),
        /** Basic auth in front of Prometheus, Alertmanager and node_exporter (main/core/lockdown). */
        lockdown: lockdownSettingsSchema,
        /** Where Prometheus also writes its samples (main/core/remote-write). */
        remoteWrite: remoteWriteSettingsSchema,
        /**
         * Prometheus' global external_labels, added to everything it sends away (remote write, alerts). With more
         * than one machine writing to one store, a label naming the machine keeps their series apart.
         */
        externalLabels: z
          .record(z.string().regex(LABEL_NAME, 'label names are letters, digits and _').refine((k) => !k.startsWith('__'), { message: '__* labels are reserved' }), z.string().min(1))
          .default({}),
      })
      .strict()
      .prefault({}),
    services: z
      .array(service)
      .default([])
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((s, i) => {
          if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate service name "${s.name}"` });
          seen.add(s.name);
        });
      }),
    /** Alert rules, Alertmanager routing and notifications (main/core/alerts/settings-schema.ts). */
    alerts: alertsSettingsSchema,
    /** Native collectors: intervals and which ones run (main/core/metrics/settings.ts). */
    metrics: metricsSettingsSchema,
    /** The embedded telemetry store (spans and log records in one DuckDB file): retention (main/core/traces/settings-schema.ts). */
    store: storeSettingsSchema,
    /** The OTLP receiver and tail sampling. */
    traces: tracesSettingsSchema,
    /** Following, rotation and shipping of logs (main/core/logs/settings-schema.ts). */
    logs: logsSettingsSchema,
    /** Where missing components come from when Lookout installs them (main/core/install). */
    install: installSettingsSchema,
    /** The Docker runtime, for components with runtime "docker". */
    docker: dockerSettingsSchema,
    /** Scheduled backups and what goes into an archive (main/core/backup). */
    backup: backupSettingsSchema,
  })
  .strict()
  .superRefine((s, ctx) => {
    // Every listener Lookout starts or renders, so two never meet on one port.
    const listeners: Array<[Array<string>, number]> = [[['lookout', 'port'], s.lookout.port]];
    if (s.traces.receiver.enabled) listeners.push([['traces', 'receiver', 'port'], s.traces.receiver.port]);
    for (const [id, c] of Object.entries(s.stack.components)) listeners.push([['stack', 'components', id, 'port'], c.port]);
    const j = s.stack.components.jaeger;
    if (j.enabled) {
      for (const key of ['queryGrpcPort', 'otlpGrpcPort', 'otlpHttpPort', 'healthPort', 'metricsPort'] as const) listeners.push([['stack', 'components', 'jaeger', key], j[key]]);
    }
    const used = new Map<number, string>();
    for (const [path, port] of listeners) {
      const other = used.get(port);
      if (other) ctx.addIssue({ code: 'custom', path, message: `port ${port} is already used by ${other}` });
      else used.set(port, path.join('.'));
    }
  });

export type Settings = z.output<typeof settingsSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;
export type ServiceTarget = Settings['services'][number];

/** Settings with every default filled in. */
export const defaultSettings = (): Settings => settingsSchema.parse({});

/** Turn zod issues into one line per problem, each naming the field: `stack.components.prometheus.port: ...`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.message}`);
}
