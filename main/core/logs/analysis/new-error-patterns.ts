/**
 * The "new error pattern" signal: an error or fatal template a service has not logged before, once an
 * initial learning period is over (during it, everything the service logs at error is simply learnt:
 * a fresh install must not alert on every error pattern it already had).
 *
 * Exported as a counter per service, `lookout_log_new_error_patterns_total{service}`, for the
 * `NewErrorPattern` alert (`increase(…[10m]) > 0`, new-error-pattern-rule.ts). `increase()` needs a
 * sample before the first increment to see it, so a service's series exists at 0 from the first
 * record the detector sees from it, at any level, learning included; otherwise a service's very
 * first new pattern would be invisible to the rule.
 *
 * "Before" is per service and by template id as the miner gives it when the record comes in; times
 * are the records' own (record time, not arrival), so replaying a file behaves like live traffic.
 * A template that starts new and is later merged by the miner into an older one was still new when
 * it came: the signal is about first sight. Known patterns are bounded (`maxKnown`, least recently
 * seen forgotten first) and can be snapshotted with the miner's state.
 */
import { z } from 'zod';
import type { LogLevel } from '../../store/records';

export const NEW_ERROR_PATTERNS_METRIC = {
  name: 'lookout_log_new_error_patterns_total',
  help: 'Error or fatal log templates a service logged for the first time after the learning period.',
  type: 'counter',
  labelNames: ['service'],
} as const;

export interface PatternObservation {
  templateId: string;
  /** Shown in the report; the id alone decides. */
  template?: string;
  level: LogLevel | null;
  /** Epoch milliseconds of the record. */
  timeMs: number;
  service: string;
}

export interface NewErrorPattern {
  service: string;
  templateId: string;
  template: string | null;
  level: 'error' | 'fatal';
  timeMs: number;
}

export interface NewErrorPatternOptions {
  /** How long after a service's first record its errors are only learnt. Default 10 minutes. */
  learningMs?: number;
  /** Known (service, template) pairs kept. Default 50,000. */
  maxKnown?: number;
}

export interface NewErrorPatternDetector {
  /** One record; a report when it is a new error pattern, else null. */
  observe(o: PatternObservation): NewErrorPattern | null;
  /** The counter's series: one per service seen, 0 until its first new pattern. */
  series(): Array<{ labels: { service: string }; value: number }>;
  snapshot(): NewErrorPatternSnapshot;
}

const snapshotSchema = z.object({
  version: z.literal(1),
  services: z.array(z.object({ service: z.string().min(1), firstSeenMs: z.number(), newPatterns: z.number().int().nonnegative() })),
  known: z.array(z.tuple([z.string().min(1), z.string().min(1)])),
});
export type NewErrorPatternSnapshot = z.infer<typeof snapshotSchema>;

/**
 * A detector, fresh or restored (a restored service keeps its learning start, so a restart neither
 * re-learns nor alerts on what was known). Throws, naming the field, on a malformed snapshot.
 */
export function createNewErrorPatternDetector(options: NewErrorPatternOptions = {}, snapshot?: unknown): NewErrorPatternDetector {
  const learningMs = options.learningMs ?? 10 * 60_000;
  const maxKnown = options.maxKnown ?? 50_000;
  const services = new Map<string, { firstSeenMs: number; newPatterns: number }>();
  /** `service \0 templateId`, least recently seen first. */
  const known = new Set<string>();

  const remember = (key: string) => {
    known.delete(key);
    known.add(key);
    if (known.size > maxKnown) known.delete(known.values().next().value!);
  };

  if (snapshot !== undefined) {
    const parsed = snapshotSchema.safeParse(snapshot);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`new-error-pattern snapshot: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    for (const s of parsed.data.services) services.set(s.service, { firstSeenMs: s.firstSeenMs, newPatterns: s.newPatterns });
    for (const [service, id] of parsed.data.known) remember(`${service}\u0000${id}`);
  }

  return {
    observe(o) {
      let svc = services.get(o.service);
      if (!svc) services.set(o.service, (svc = { firstSeenMs: o.timeMs, newPatterns: 0 }));
      if (o.level !== 'error' && o.level !== 'fatal') return null;
      const key = `${o.service}\u0000${o.templateId}`;
      const seen = known.has(key);
      remember(key);
      if (seen || o.timeMs - svc.firstSeenMs < learningMs) return null;
      svc.newPatterns++;
      return { service: o.service, templateId: o.templateId, template: o.template ?? null, level: o.level, timeMs: o.timeMs };
    },
    series: () => [...services].sort(([a], [b]) => (a < b ? -1 : 1)).map(([service, s]) => ({ labels: { service }, value: s.newPatterns })),
    snapshot: () => ({
      version: 1,
      services: [...services].map(([service, s]) => ({ service, ...s })),
      known: [...known].map((k) => k.split('\u0000') as [string, string]),
    }),
  };
}
