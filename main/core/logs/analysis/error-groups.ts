/**
 * Errors grouped by pattern: for every error/fatal template, how often, first and last seen, which
 * services, and an example trace id and message, so "what is failing" is a short list, not a scroll.
 * Fed with records from anywhere (a file scan, the store's `logs errors --since`); the ids come from
 * the template miner, and groups whose templates merged later are reported as one.
 */
import type { TemplateMiner } from './template-miner';

export type ErrorLevel = 'error' | 'fatal';

export interface ErrorRecordInput {
  level: ErrorLevel;
  /** Epoch milliseconds, null when the record has no readable time. */
  timeMs: number | null;
  service: string | null;
  traceId: string | null;
  message: string;
}

export interface ErrorGroup {
  templateId: string;
  template: string;
  count: number;
  levels: Record<ErrorLevel, number>;
  /** Epoch milliseconds; null when no record of the group had a readable time. */
  firstSeenMs: number | null;
  lastSeenMs: number | null;
  /** Sorted; at most MAX_SERVICES_PER_GROUP. */
  services: string[];
  /** The trace id of the latest record that had one (the likeliest still to be in the trace store). */
  exampleTraceId: string | null;
  /** The latest record's message. */
  exampleMessage: string;
}

export const MAX_SERVICES_PER_GROUP = 32;

export interface ErrorGrouper {
  add(record: ErrorRecordInput): void;
  /** The groups, most frequent first. */
  groups(): ErrorGroup[];
  /** Groups dropped (least recently updated first) to stay within maxGroups. */
  dropped(): number;
}

interface Group {
  id: string;
  template: string;
  count: number;
  levels: Record<ErrorLevel, number>;
  first: number | null;
  last: number | null;
  lastExampleAt: number;
  services: Set<string>;
  traceId: string | null;
  traceAt: number;
  message: string;
}

const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** Groups of the errors `miner` puts into templates; at most `maxGroups` (default 10,000) kept. */
export function createErrorGrouper(miner: TemplateMiner, maxGroups = 10_000): ErrorGrouper {
  /** Least recently updated first (a Map keeps insertion order; an update re-inserts). */
  const byId = new Map<string, Group>();
  let order = 0;
  let dropped = 0;

  return {
    add(r) {
      const m = miner.add(r.message);
      let g = byId.get(m.templateId);
      if (g) byId.delete(m.templateId);
      else {
        g = { id: m.templateId, template: m.template, count: 0, levels: { error: 0, fatal: 0 }, first: null, last: null, lastExampleAt: -1, services: new Set(), traceId: null, traceAt: -1, message: r.message };
        if (byId.size >= maxGroups) {
          byId.delete(byId.keys().next().value!);
          dropped++;
        }
      }
      byId.set(m.templateId, g);
      order++;
      g.template = m.template;
      g.count++;
      g.levels[r.level]++;
      g.first = minOf(g.first, r.timeMs);
      g.last = maxOf(g.last, r.timeMs);
      if (r.service && g.services.size < MAX_SERVICES_PER_GROUP) g.services.add(r.service);
      // "Latest" by record time when there is one, else by arrival.
      const at = r.timeMs ?? order;
      if (at >= g.lastExampleAt) {
        g.lastExampleAt = at;
        g.message = r.message;
      }
      if (r.traceId && at >= g.traceAt) {
        g.traceId = r.traceId;
        g.traceAt = at;
      }
    },

    groups() {
      // Ids handed out before a merge resolve to the template they joined: one group each.
      const merged = new Map<string, ErrorGroup & { traceAt: number; exampleAt: number }>();
      for (const g of byId.values()) {
        const now = miner.resolve(g.id);
        const id = now?.templateId ?? g.id;
        const into = merged.get(id);
        if (!into) {
          merged.set(id, {
            templateId: id,
            template: now?.template ?? g.template,
            count: g.count,
            levels: { ...g.levels },
            firstSeenMs: g.first,
            lastSeenMs: g.last,
            services: [...g.services],
            exampleTraceId: g.traceId,
            exampleMessage: g.message,
            traceAt: g.traceAt,
            exampleAt: g.lastExampleAt,
          });
          continue;
        }
        into.count += g.count;
        into.levels.error += g.levels.error;
        into.levels.fatal += g.levels.fatal;
        into.firstSeenMs = minOf(into.firstSeenMs, g.first);
        into.lastSeenMs = maxOf(into.lastSeenMs, g.last);
        into.services = [...new Set([...into.services, ...g.services])].slice(0, MAX_SERVICES_PER_GROUP);
        if (g.traceId && g.traceAt >= into.traceAt) {
          into.exampleTraceId = g.traceId;
          into.traceAt = g.traceAt;
        }
        if (g.lastExampleAt >= into.exampleAt) {
          into.exampleMessage = g.message;
          into.exampleAt = g.lastExampleAt;
        }
      }
      return [...merged.values()]
        .map(({ traceAt: _t, exampleAt: _e, ...g }) => ({ ...g, services: g.services.sort() }))
        .sort((a, b) => b.count - a.count || (a.templateId < b.templateId ? -1 : 1));
    },

    dropped: () => dropped,
  };
}
