/**
 * Runtime fault injection for the reference services, for tests and demos: error rate, added latency,
 * IPC delay, crash and hang, set per service through POST /admin/faults on its loopback listener.
 */
import { z } from 'zod';
import { describeIssues } from '../core/settings/schema';
import { HttpError, route, type BeforeHook, type Handler, type RequestContext, type Telemetry } from '../core/telemetry/kit';
import type { RouteSpec } from '../../common/route-table';

/** The faults in force. */
export interface FaultState {
  /** Share of requests answered 500 (0–1), spread evenly: 0.25 fails exactly every 4th request (health checks excluded). */
  errorRate: number;
  /** Added to every request before it is handled. */
  latencyMs: number;
  /** Added to every IPC message this service sends (LLM, GUI) or answers (memory). */
  ipcDelayMs: number;
  /** Requests (and IPC calls, and /metrics) are accepted but not answered until hang is turned off. */
  hang: boolean;
}

/** Body of POST /admin/faults: any subset; `crash: true` ends the process (exit code 70) after answering. */
export const faultPatchSchema = z
  .object({
    errorRate: z.number().min(0).max(1),
    latencyMs: z.number().int().min(0).max(120_000),
    ipcDelayMs: z.number().int().min(0).max(120_000),
    hang: z.boolean(),
    crash: z.boolean(),
  })
  .partial()
  .strict();

export type FaultPatch = z.infer<typeof faultPatchSchema>;

export const ADMIN_PATH = '/admin/faults';
/** EX_SOFTWARE: an injected crash is recognisable in the demo's output. */
export const CRASH_EXIT_CODE = 70;

const NONE: FaultState = { errorRate: 0, latencyMs: 0, ipcDelayMs: 0, hang: false };

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

export class Faults {
  private state: FaultState = { ...NONE };
  /** Requests seen since errorRate was last set: the even spread counts from there. */
  private seen = 0;
  private release: (() => void) | null = null;
  private gate: Promise<void> | null = null;

  current(): FaultState {
    return { ...this.state };
  }

  /** Apply a validated patch; returns the new state. */
  update(patch: Omit<FaultPatch, 'crash'>): FaultState {
    if (patch.errorRate !== undefined && patch.errorRate !== this.state.errorRate) this.seen = 0;
    this.state = { ...this.state, ...patch };
    if (this.state.hang && !this.gate) {
      this.gate = new Promise<void>((resolve) => (this.release = resolve));
    } else if (!this.state.hang && this.gate) {
      this.release?.();
      this.gate = null;
      this.release = null;
    }
    return this.current();
  }

  reset(): FaultState {
    return this.update({ ...NONE });
  }

  /** Whether this request should fail: exactly floor(n × rate) of the first n requests do. */
  nextFails(): boolean {
    const rate = this.state.errorRate;
    if (rate <= 0) return false;
    const n = this.seen++;
    // The small epsilon keeps 0.1 × 10 from landing a hair under 1.
    return Math.floor((n + 1) * rate + 1e-9) > Math.floor(n * rate + 1e-9);
  }

  /** Resolves when no hang is in force (at once when there is none). */
  waitWhileHung(): Promise<void> {
    return this.gate ?? Promise.resolve();
  }

  /** Hook for IPC messages: hang, then the IPC delay. */
  async beforeIpc(): Promise<void> {
    await this.waitWhileHung();
    await sleep(this.state.ipcDelayMs);
  }

  /**
   * The HTTP hook. The admin endpoint is exempt from every fault (so a demo can always recover);
   * /metrics only hangs, since a scrape that errors or waits past its timeout would hide the very
   * numbers that show the fault. The health check hangs and is slowed, but takes no share of the error
   * rate: probes (Lookout's IPC probe polls it) would otherwise take failures meant for real requests,
   * and "exactly every 4th request fails" would no longer hold for the requests a user sends.
   */
  httpHook(metricsPath = '/metrics', healthPath = '/healthz'): BeforeHook {
    return async (ctx: RequestContext) => {
      if (ctx.route === ADMIN_PATH) return;
      await this.waitWhileHung();
      if (ctx.route === metricsPath) return;
      await sleep(this.state.latencyMs);
      if (ctx.route === healthPath) return;
      if (this.nextFails()) throw new HttpError(500, 'injected fault: error rate', 'injected_fault');
    };
  }
}

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

/**
 * GET, POST and DELETE /admin/faults. A JSON content type is required (a web page cannot send one
 * cross-origin without a preflight we never answer) and the Host must be a loopback name (DNS rebinding).
 */
export function adminRoutes(faults: Faults, telemetry: Telemetry, exit: (code: number) => void = (code) => process.exit(code)): Array<RouteSpec<Handler>> {
  const guard = (ctx: RequestContext) => {
    if (!LOOPBACK_HOST.test(ctx.req.headers.host ?? '')) throw new HttpError(403, 'the admin endpoint answers loopback hosts only', 'forbidden');
  };
  return [
    route('GET', ADMIN_PATH, (ctx) => {
      guard(ctx);
      return { json: faults.current() };
    }),
    route('DELETE', ADMIN_PATH, (ctx) => {
      guard(ctx);
      telemetry.logger.warn('faults cleared');
      return { json: faults.reset() };
    }),
    route('POST', ADMIN_PATH, async (ctx) => {
      guard(ctx);
      if (!/^application\/json\b/i.test(ctx.req.headers['content-type'] ?? '')) throw new HttpError(415, 'send the faults as Content-Type: application/json', 'unsupported_media_type');
      const parsed = faultPatchSchema.safeParse(await ctx.json());
      if (!parsed.success) throw new HttpError(400, `invalid faults: ${describeIssues(parsed.error).join('; ')}`, 'bad_request');
      const { crash, ...rest } = parsed.data;
      const state = faults.update(rest);
      telemetry.logger.warn({ faults: state, crash: crash === true }, 'faults changed');
      if (crash) {
        telemetry.logger.fatal({ exit_code: CRASH_EXIT_CODE }, 'crash injected');
        // Answer first, so the caller learns the crash was accepted rather than seeing a reset connection.
        ctx.res.once('finish', () => setImmediate(() => exit(CRASH_EXIT_CODE)));
        return { status: 202, json: { ...state, crash: true } };
      }
      return { json: state };
    }),
  ];
}
