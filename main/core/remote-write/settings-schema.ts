/**
 * `stack.remoteWrite`: where Prometheus also sends every sample it stores (Grafana Mimir, Thanos
 * Receive, VictoriaMetrics, …). Rendered into prometheus.yml's `remote_write` (./render.ts) and checked
 * by promtool with the rest. Credentials are files (basic-auth password file or bearer token file),
 * never values; headers (a tenant id) are plain settings.
 */
import { z } from 'zod';
import { promDuration } from '../settings/prom-units';
import { absolutePath, fileCredentialsShape } from '../lockdown/settings-schema';

const NAME = /^[a-zA-Z0-9_-]+$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers Prometheus sets itself or that carry credentials; credentials go in the *File settings. */
const RESERVED_HEADERS = ['authorization', 'host', 'content-encoding', 'content-type', 'content-length', 'user-agent', 'connection', 'keep-alive', 'proxy-authorization', 'x-prometheus-remote-write-version'];

const positiveInt = () => z.number().int().positive();
const duration = () => promDuration('5s, 30s or 1m');

/** Prometheus' queue_config, camel-cased. Unset fields keep Prometheus' defaults. */
const queueSchema = z
  .object({
    capacity: positiveInt().optional(),
    minShards: positiveInt().optional(),
    maxShards: positiveInt().optional(),
    maxSamplesPerSend: positiveInt().optional(),
    batchSendDeadline: duration().optional(),
    minBackoff: duration().optional(),
    maxBackoff: duration().optional(),
    /** Retry on HTTP 429 (Too Many Requests) rather than dropping the batch. */
    retryOnHttp429: z.boolean().optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.minShards !== undefined && q.maxShards !== undefined && q.minShards > q.maxShards) {
      ctx.addIssue({ code: 'custom', path: ['minShards'], message: 'must not be above maxShards' });
    }
  });

const RELABEL_ACTIONS = ['replace', 'keep', 'drop', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase', 'keepequal', 'dropequal'] as const;

/** One write_relabel_configs entry, camel-cased; the regex is checked by promtool (Go's RE2, not JavaScript's). */
const relabelSchema = z
  .object({
    sourceLabels: z.array(z.string().regex(LABEL_NAME, 'label names are letters, digits and _')).optional(),
    separator: z.string().optional(),
    regex: z.string().optional(),
    modulus: positiveInt().optional(),
    targetLabel: z.string().min(1).optional(),
    replacement: z.string().optional(),
    action: z.enum(RELABEL_ACTIONS).optional(),
  })
  .strict();

export const remoteWriteTargetSchema = z
  .object({
    /** Shown in status and doctor, and Prometheus' remote_name label on its remote_storage metrics. */
    name: z.string().regex(NAME, 'must be letters, digits, _ and -'),
    url: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL such as https://mimir.example.org/api/v1/push' }),
    basicAuth: z.object({ username: z.string().min(1), passwordFile: absolutePath() }).strict().optional(),
    bearerTokenFile: fileCredentialsShape.bearerTokenFile,
    /** Extra request headers, e.g. X-Scope-OrgID (Mimir) or THANOS-TENANT (Thanos Receive). Not for credentials. */
    headers: z
      .record(z.string().regex(HEADER_NAME, 'is not a valid header name'), z.string().regex(/^[^\r\n]*$/, 'must be one line'))
      .default({})
      .superRefine((h, ctx) => {
        for (const key of Object.keys(h)) {
          if (RESERVED_HEADERS.includes(key.toLowerCase())) {
            ctx.addIssue({ code: 'custom', path: [key], message: 'is set by Prometheus or carries credentials: use basicAuth or bearerTokenFile for credentials' });
          }
        }
      }),
    queue: queueSchema.optional(),
    writeRelabel: z.array(relabelSchema).default([]),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.basicAuth && t.bearerTokenFile) ctx.addIssue({ code: 'custom', path: ['bearerTokenFile'], message: 'cannot be combined with basicAuth: choose one' });
  });

export const remoteWriteSettingsSchema = z
  .array(remoteWriteTargetSchema)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((t, i) => {
      if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate remote-write name "${t.name}"` });
      seen.add(t.name);
    });
  });

export type RemoteWriteTarget = z.output<typeof remoteWriteTargetSchema>;

