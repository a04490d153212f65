/**
 * The `logs` section of settings.json (following, rotation and retention, shipping) and the
 * `services[].logs` piece. Every field has a default, so no section at all is valid. Secrets (a Loki
 * bearer token or password, an OTLP API key) are never here: only paths of 0600 files holding them.
 */
import path from 'node:path';
import { z } from 'zod';
import { duration as durationOf, size as sizeOf } from '../settings/units';
import { LOG_LEVELS } from '../store/records';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TARGET_NAME = /^[a-zA-Z0-9_-]{1,40}$/;
/** The labels Lookout sets itself on every Loki stream (low cardinality on purpose). */
export const LOKI_STREAM_LABELS = ['service', 'level', 'source'] as const;
/** Header names that carry credentials: only through `headerFiles`, never inline. */
const SECRET_HEADERS = /^(authorization|proxy-authorization|x-api-key|api-key|x-auth-token|cookie)$/i;

const duration = () => durationOf('500ms, 30s, 5m or 30d', { positive: true });
const size = () => sizeOf('512KB, 10MB or 2GB');
const absolute = (what: string) => z.string().refine((p) => path.isAbsolute(p), { message: `must be an absolute path to ${what}` });
const secretFile = () => absolute('a file holding the secret (chmod 600)');
const noCredentials = (u: string) => {
  try {
    const url = new URL(u);
    return !url.username && !url.password;
  } catch {
    return true;
  }
};
const CREDENTIALS_IN_URL = { message: 'must not hold a user or password: name a 0600 file in bearerTokenFile, basicAuth.passwordFile or headerFiles instead' };


/**
 * `services[].logs`: the service's log files, as absolute paths or absolute globs (`/var/log/app/*.log`;
 * a glob also picks up files created later). Rotated copies (`.1`, `.gz`) are never followed themselves.
 */
export const serviceLogsSchema = z
  .array(
    z
      .string()
      .min(1, 'must not be empty')
      .refine((p) => path.isAbsolute(p), { message: 'must be an absolute path or glob, such as /var/log/myapp/app.log or /var/log/myapp/*.log' })
      .refine((p) => !p.includes('\0'), { message: 'must not contain a NUL character' }),
  )
  .max(50, 'at most 50 log paths per service')
  .default([]);

const lokiTarget = z
  .object({
    type: z.literal('loki'),
    /** Names the target in metrics (`target` label), status and its queue directory. */
    name: z.string().regex(TARGET_NAME, 'must be 1–40 letters, digits, _ or -').default('loki'),
    /** Loki's base URL (http://127.0.0.1:3100) or its push URL (…/loki/api/v1/push). */
    url: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL such as http://127.0.0.1:3100' }).refine(noCredentials, CREDENTIALS_IN_URL),
    /** Static labels added to every stream (besides service, level and source). Keep them few: every value is a stream. */
    labels: z
      .record(z.string(), z.string().max(2048, 'Loki refuses label values over 2048 characters'))
      .default({})
      .superRefine((labels, ctx) => {
        const keys = Object.keys(labels);
        if (keys.length > 10) ctx.addIssue({ code: 'custom', message: 'at most 10 static labels (Loki allows 15 per stream, and Lookout sets 3)' });
        for (const k of keys) {
          if (!LABEL_NAME.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: 'label names are letters, digits and _, not starting with a digit' });
          else if (k.startsWith('__')) ctx.addIssue({ code: 'custom', path: [k], message: 'names starting with __ are reserved by Loki' });
          else if ((LOKI_STREAM_LABELS as readonly string[]).includes(k)) ctx.addIssue({ code: 'custom', path: [k], message: `${k} is set by Lookout from each record` });
        }
      }),
    /** X-Scope-OrgID, for a multi-tenant Loki. */
    tenant: z.string().min(1).max(150).optional(),
    bearerTokenFile: secretFile().optional(),
    basicAuth: z.object({ username: z.string().min(1), passwordFile: secretFile() }).strict().optional(),
    /** `json`: the line is a JSON object with msg, trace_id, span_id and the attributes; `raw`: the message alone. */
    lineFormat: z.enum(['json', 'raw']).default('json'),
    /** Send trace_id and span_id as Loki structured metadata too (Loki 3, or 2.9+ with it enabled). */
    structuredMetadata: z.boolean().default(false),
    minLevel: z.enum(LOG_LEVELS).optional(),
    /** The on-disk queue's cap; beyond it new records are dropped and counted. */
    maxQueueSize: size().default('100MB'),
  })
  .strict()
  .refine((t) => !(t.bearerTokenFile && t.basicAuth), { message: 'use either bearerTokenFile or basicAuth, not both', path: ['basicAuth'] });

const otlpTarget = z
  .object({
    type: z.literal('otlp'),
    name: z.string().regex(TARGET_NAME, 'must be 1–40 letters, digits, _ or -').default('otlp'),
    /** The OTLP/HTTP logs endpoint, e.g. http://127.0.0.1:4318/v1/logs (`/v1/logs` is added to a bare base URL). */
    url: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL such as http://127.0.0.1:4318/v1/logs' }).refine(noCredentials, CREDENTIALS_IN_URL),
    /** Plain headers; credentials go in `headerFiles`. */
    headers: z
      .record(z.string(), z.string())
      .default({})
      .superRefine((h, ctx) => {
        for (const k of Object.keys(h)) if (SECRET_HEADERS.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: `${k} carries a credential: put it in a 0600 file and name it in headerFiles instead` });
      }),
    /** Header name → 0600 file holding its value (e.g. `{"Authorization": "/…/otlp-auth"}`). */
    headerFiles: z.record(z.string(), secretFile()).default({}),
    bearerTokenFile: secretFile().optional(),
    minLevel: z.enum(LOG_LEVELS).optional(),
    maxQueueSize: size().default('100MB'),
  })
  .strict();

export const shipTargetSchema = z.discriminatedUnion('type', [lokiTarget, otlpTarget]);

/** The `logs` section. */
export const logsSettingsSchema = z
  .object({
    /** Follow log files at all (services', the stack's, Lookout's own). */
    enabled: z.boolean().default(true),
    follow: z
      .object({
        /** How often every followed file is looked at (fs.watch events only bring it forward). */
        pollInterval: duration().default('500ms'),
        /** A longer line is cut to this size and marked (`log.truncated`). */
        maxLineSize: size().default('1MB'),
        /** A file already there at the first start, with no saved offset: read it from its start, or only what comes next. */
        startAt: z.enum(['beginning', 'end']).default('beginning'),
      })
      .strict()
      .prefault({}),
    /** Rotation of every log Lookout writes (its own, the components', the demo's, notifications.jsonl). */
    rotation: z
      .object({
        /** Rotate (gzip the copy) once a file is larger than this. */
        maxFileSize: size().default('10MB'),
        /** Delete rotated files older than this. */
        maxAge: duration().default('30d'),
        /** Delete the oldest rotated files while all of them together are larger than this. */
        maxTotalSize: size().default('500MB'),
      })
      .strict()
      .prefault({}),
    /** Where to ship every record as well (optional). */
    ship: z
      .array(shipTargetSchema)
      .max(5, 'at most 5 ship targets')
      .default([])
      .superRefine((targets, ctx) => {
        const seen = new Set<string>();
        targets.forEach((t, i) => {
          if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate target name "${t.name}": give each target its own name` });
          seen.add(t.name);
        });
      }),
  })
  .strict()
  .prefault({});

export type LogsSettings = z.output<typeof logsSettingsSchema>;
export type LogsSettingsInput = z.input<typeof logsSettingsSchema>;
export type ShipTarget = z.output<typeof shipTargetSchema>;
export type LokiTarget = Extract<ShipTarget, { type: 'loki' }>;
export type OtlpTarget = Extract<ShipTarget, { type: 'otlp' }>;
