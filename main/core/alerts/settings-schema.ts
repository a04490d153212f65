/**
 * The `alerts` section of settings.json: rule thresholds and `for:` periods, Alertmanager timings,
 * which receivers get which severities, and Lookout's own notification policy. Every field has a
 * default, so `"alerts": {}` (or no section at all) is valid. Secrets (Slack URL, SMTP password,
 * webhook token) are never here: they live in 0600 files under $LOOKOUT_HOME/secrets.
 */
import { z } from 'zod';
import { promDuration } from '../settings/prom-units';

const JOB_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;
const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const duration = () => promDuration('30s, 5m or 1h');

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A share between 0 and 1 (0.05 = 5 %). null turns that level off. */
const ratio = () => z.number().min(0, 'must be a ratio from 0 to 1').max(1, 'must be a ratio from 0 to 1').nullable();
/** A duration in seconds. null turns that level off. */
const seconds = () => z.number().positive('must be a number of seconds above 0').nullable();

/**
 * Every leveled rule fires above its threshold: a critical level below the warning one would fire first
 * and make the warning never the first word. Filed under `critical`, naming the warning level.
 */
function criticalAboveWarning(levels: { warning: number | null; critical: number | null }, ctx: z.RefinementCtx, at: PropertyKey[] = []): void {
  const { warning, critical } = levels;
  if (warning !== null && critical !== null && critical < warning) ctx.addIssue({ code: 'custom', path: [...at, 'critical'], message: `must be at least the warning level (${warning}): both fire above their level` });
}

/** A rule with a warning and an optional critical level over the same expression. */
const levels = (defaults: { for: string; warning: number | null; critical: number | null }, value: () => z.ZodNullable<z.ZodNumber>) =>
  z
    .object({
      enabled: z.boolean().default(true),
      for: duration().default(defaults.for),
      warning: value().default(defaults.warning),
      critical: value().default(defaults.critical),
    })
    .strict()
    .superRefine((r, ctx) => criticalAboveWarning(r, ctx))
    .prefault({});

const plain = (defaults: { for: string }) =>
  z.object({ enabled: z.boolean().default(true), for: duration().default(defaults.for) }).strict().prefault({});

const severityList = (defaults: Severity[]) =>
  z
    .array(z.enum(SEVERITIES))
    .default(defaults)
    .refine((list) => new Set(list).size === list.length, { message: 'lists a severity twice' });

const rules = z
  .object({
    ServiceDown: plain({ for: '30s' }),
    HighErrorRate: levels({ for: '2m', warning: 0.05, critical: 0.25 }, ratio),
    HighLatency: z
      .object({
        enabled: z.boolean().default(true),
        for: duration().default('5m'),
        warning: seconds().default(2),
        critical: seconds().default(null),
        /**
         * Per-job thresholds in seconds (an LLM server's p95 is not a web server's), e.g.
         * `{ "llm": { "warning": 20 } }`; a job listed here is judged by these only.
         */
        jobs: z
          .record(z.string().regex(JOB_NAME, 'job names are letters, digits, _ and -'), z.object({ warning: seconds().default(null), critical: seconds().default(null) }).strict())
          .default({}),
      })
      .strict()
      .superRefine((r, ctx) => {
        criticalAboveWarning(r, ctx);
        for (const [job, levels] of Object.entries(r.jobs)) criticalAboveWarning(levels, ctx, ['jobs', job]);
      })
      .prefault({}),
    HighIPCLatency: levels({ for: '2m', warning: 0.25, critical: null }, seconds),
    IPCErrors: levels({ for: '1m', warning: 0.05, critical: 0.5 }, ratio),
    HostHighCPU: levels({ for: '5m', warning: 0.9, critical: null }, ratio),
    HostMemoryPressure: z
      .object({
        enabled: z.boolean().default(true),
        for: duration().default('2m'),
        /** Share of RAM in use (1 - available / total) that counts as pressure at warning level. */
        utilization: ratio().default(0.95),
        /** Linux PSI "some avg10" share of time stalled on memory, per level (macOS uses the kernel's own level). */
        warning: ratio().default(0.1),
        critical: ratio().default(0.4),
      })
      .strict()
      .superRefine((r, ctx) => criticalAboveWarning(r, ctx))
      .prefault({}),
    HostGPUSaturated: levels({ for: '5m', warning: 0.95, critical: null }, ratio),
    DiskAlmostFull: levels({ for: '5m', warning: 0.9, critical: 0.97 }, ratio),
    TargetScrapeGaps: z
      .object({
        enabled: z.boolean().default(true),
        for: duration().default('1m'),
        /** Changes of `up` within 10 minutes that count as gaps (one outage and its recovery are 2). */
        changes: z.number().int('must be a whole number').min(2, 'must be at least 2').default(4),
      })
      .strict()
      .prefault({}),
    PrometheusRuleFailures: plain({ for: '1m' }),
    AlertmanagerNotificationsFailing: plain({ for: '1m' }),
    /** A service logged an error pattern it never logged before (main/core/logs/analysis); fires for `window` after it. */
    NewErrorPattern: z.object({ enabled: z.boolean().default(true), window: duration().default('10m') }).strict().prefault({}),
    /** The dead man's switch; turning it off also turns off Lookout's "Watchdog missing" alert. */
    Watchdog: z.object({ enabled: z.boolean().default(true) }).strict().prefault({}),
  })
  .strict()
  .prefault({});

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9.-]+):\d{1,5}$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

const receivers = z
  .object({
    /** Native notifications from Lookout itself. */
    desktop: z.object({ severities: severityList(['critical', 'warning']) }).strict().prefault({}),
    /** Slack incoming webhook; its URL is the secret `slackUrl`. */
    slack: z
      .object({
        severities: severityList([]),
        /** Channel override, e.g. #alerts; the webhook's own channel when unset. */
        channel: z.string().regex(/^[#@]?[\w.-]+$/, 'must be a channel such as #alerts').optional(),
      })
      .strict()
      .prefault({}),
    /** Email through an SMTP server; the password is the secret `smtpPassword`. */
    email: z
      .object({
        severities: severityList([]),
        to: z.string().regex(EMAIL, 'must be an email address such as me@example.com').optional(),
        from: z.string().regex(EMAIL, 'must be an email address such as lookout@example.com').optional(),
        /** SMTP server as host:port, e.g. smtp.example.com:587. */
        smarthost: z.string().regex(HOST_PORT, 'must be host:port such as smtp.example.com:587').optional(),
        username: z.string().min(1).optional(),
        requireTls: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Any HTTP endpoint taking Alertmanager's webhook JSON; an optional bearer token is the secret `webhookToken`. */
    webhook: z
      .object({
        severities: severityList([]),
        url: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional(),
        /** Send `Authorization: Bearer <secret webhookToken>`. */
        sendToken: z.boolean().default(false),
        sendResolved: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({})
  .superRefine((r, ctx) => {
    const need = (cond: boolean, path: string[], message: string) => {
      if (cond) ctx.addIssue({ code: 'custom', path, message });
    };
    if (r.email.severities.length) {
      need(!r.email.to, ['email', 'to'], 'is required when email is enabled (email.severities is not empty)');
      need(!r.email.from, ['email', 'from'], 'is required when email is enabled (email.severities is not empty)');
      need(!r.email.smarthost, ['email', 'smarthost'], 'is required when email is enabled (email.severities is not empty)');
    }
    if (r.webhook.severities.length) need(!r.webhook.url, ['webhook', 'url'], 'is required when the webhook is enabled (webhook.severities is not empty)');
  });

export const alertsSettingsSchema = z
  .object({
    /** Evaluation interval of Lookout's rule groups (shorter than the global one, so alerts fire seconds after their `for:`). */
    evaluationInterval: duration().default('5s'),
    /** Alertmanager grouping timings: short, because one person watches one machine. */
    routing: z
      .object({
        groupWait: duration().default('3s'),
        groupInterval: duration().default('10s'),
        repeatInterval: duration().default('4h'),
      })
      .strict()
      .prefault({}),
    rules,
    receivers,
    notifications: z
      .object({
        /** Non-critical notifications are not shown between start and end (local time, HH:MM; may wrap midnight). */
        quietHours: z
          .object({
            enabled: z.boolean().default(false),
            start: z.string().regex(CLOCK_TIME, 'must be a time such as 22:00').default('22:00'),
            end: z.string().regex(CLOCK_TIME, 'must be a time such as 08:00').default('08:00'),
          })
          .strict()
          .prefault({}),
        /** Storm control: changes within `window` beyond `maxIndividual` become one summary; at most `maxPerMinute` shown. */
        storm: z
          .object({
            window: duration().default('1s'),
            maxIndividual: z.number().int().min(1).default(3),
            maxPerMinute: z.number().int().min(1).default(6),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    watchdog: z
      .object({
        /** How often Alertmanager re-sends the Watchdog alert to Lookout. */
        repeatInterval: duration().default('1m'),
        /** Lookout raises LookoutWatchdogMissing when no Watchdog arrived for this long. */
        missingAfter: duration().default('3m'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type AlertsSettings = z.output<typeof alertsSettingsSchema>;

