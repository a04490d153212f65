/**
 * Service level objectives and the PromQL for their indicators. An availability SLI is the share of requests
 * that did not fail with a 5xx; a latency SLI is the share answered within a threshold, read straight from
 * a histogram bucket (so the threshold must be one of http_request_duration_seconds' bucket bounds).
 * The error budget left is 1 − (bad share ÷ allowed bad share): 100 % untouched, 0 spent, below 0 overspent.
 */
import { ratioOrZero, sel } from './model';

export interface Objectives {
  /** Target share of requests without a 5xx, e.g. 0.995. */
  availability: number;
  /** Target share of requests faster than `latencyLe` seconds, e.g. 0.95. */
  latencyShare: number;
  /** The latency threshold: an `le` bucket bound of http_request_duration_seconds, written as Prometheus shows it. */
  latencyLe: string;
}

/** For jobs without their own objectives (the user's services): 99.5 % available, 95 % within 1 s. */
export const DEFAULT_OBJECTIVES: Objectives = { availability: 0.995, latencyShare: 0.95, latencyLe: '1' };

/** The reference services' objectives (jobs llm, memory, gui). An LLM completion takes seconds; a memory lookup should not. */
export const SERVICE_OBJECTIVES = {
  llm: { availability: 0.99, latencyShare: 0.95, latencyLe: '2.5' },
  memory: { availability: 0.995, latencyShare: 0.95, latencyLe: '0.1' },
  gui: { availability: 0.995, latencyShare: 0.95, latencyLe: '2.5' },
} as const satisfies Record<string, Objectives>;

export type ReferenceService = keyof typeof SERVICE_OBJECTIVES;
export const REFERENCE_SERVICES = Object.keys(SERVICE_OBJECTIVES) as ReferenceService[];

const pct = (x: number) => `${+(x * 100).toFixed(3)} %`;
/** "99.5 % of requests without a 5xx" */
export const describeAvailability = (o: Objectives) => `${pct(o.availability)} of requests without a 5xx`;
/** "95 % of requests within 2.5 s" */
export const describeLatency = (o: Objectives) => `${pct(o.latencyShare)} of requests within ${o.latencyLe} s`;

/** `extra` narrows the selector further (e.g. `job="llm"`); `by` groups (e.g. `job`). */
interface Scope {
  extra?: string;
  by?: string;
}

const grouped = (by: string | undefined) => (by ? ` by (${by})` : '');
const join = (...parts: Array<string | undefined>) => parts.filter(Boolean).join(',');

/** Share of requests that failed with a 5xx over `window`. */
export function errorShare(window: string, scope: Scope = {}): string {
  const g = grouped(scope.by);
  const total = `sum${g} (increase(http_requests_total${sel(scope.extra)}[${window}]))`;
  const errors = `sum${g} (increase(http_requests_total${sel(join(scope.extra, 'status=~"5.."'))}[${window}]))`;
  return ratioOrZero(errors, total);
}

/** Same as errorShare but as a per-second rate ratio, for time series over $__rate_interval windows. */
export function errorRatio(window: string, scope: Scope = {}): string {
  const g = grouped(scope.by);
  const total = `sum${g} (rate(http_requests_total${sel(scope.extra)}[${window}]))`;
  const errors = `sum${g} (rate(http_requests_total${sel(join(scope.extra, 'status=~"5.."'))}[${window}]))`;
  return ratioOrZero(errors, total);
}

export const availabilitySli = (window: string, scope: Scope = {}) => `1 - ${errorShare(window, scope)}`;

/** Share of requests answered within the threshold (the `le` bucket) over `window`. */
export function latencySli(o: Objectives, window: string, scope: Scope = {}): string {
  const g = grouped(scope.by);
  const fast = `sum${g} (increase(http_request_duration_seconds_bucket${sel(join(scope.extra, `le="${o.latencyLe}"`))}[${window}]))`;
  const all = `sum${g} (increase(http_request_duration_seconds_count${sel(scope.extra)}[${window}]))`;
  return `${fast} / ${all}`;
}

export const availabilityBudgetLeft = (o: Objectives, window: string, scope: Scope = {}) =>
  `1 - (${errorShare(window, scope)}) / ${+(1 - o.availability).toFixed(6)}`;

export const latencyBudgetLeft = (o: Objectives, window: string, scope: Scope = {}) =>
  `1 - (1 - ${latencySli(o, window, scope)}) / ${+(1 - o.latencyShare).toFixed(6)}`;

/**
 * One expression per job with that job's own objectives: the reference services' and, for every other job,
 * the defaults. Joined with `or`, so each job appears once.
 */
export function perJobObjectives(expr: (o: Objectives, scope: Scope) => string): string {
  const known = REFERENCE_SERVICES.map((job) => `(${expr(SERVICE_OBJECTIVES[job], { extra: `job="${job}"`, by: 'job' })})`);
  const others = `(${expr(DEFAULT_OBJECTIVES, { extra: `job!~"${REFERENCE_SERVICES.join('|')}"`, by: 'job' })})`;
  return [...known, others].join(' or ');
}
