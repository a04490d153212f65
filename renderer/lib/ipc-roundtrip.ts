/**
 * Measures the round trip of the UI's own calls to main (Electron IPC in the menubar app, HTTP in
 * browser mode) and reports it to main, which records it in lookout_app_ipc_roundtrip_seconds.
 * Both ends of the trip are timed here, on one clock; each ping carries the previous ping's time.
 */
import type { Api } from '../../common/ipc';

export interface RoundTripOptions {
  /** How often to ping while the page is visible (default 10 s). */
  everyMs?: number;
  now?: () => number;
  visible?: () => boolean;
}

/** Start pinging; returns the function that stops it. Failed pings report nothing (no fake samples). */
export function startIpcRoundTrip(api: Pick<Api, 'metrics'>, opts: RoundTripOptions = {}): () => void {
  const everyMs = opts.everyMs ?? 10_000;
  const now = opts.now ?? (() => performance.now());
  const visible = opts.visible ?? (() => typeof document === 'undefined' || document.visibilityState === 'visible');
  let last: number | undefined;
  let inFlight = false;
  let stopped = false;

  async function ping(): Promise<void> {
    // A hidden popover makes no calls; a slow call is not overlapped by the next one.
    if (stopped || inFlight || !visible()) return;
    inFlight = true;
    const started = now();
    try {
      await api.metrics.ping(last === undefined ? {} : { roundTripSeconds: last });
      last = (now() - started) / 1000;
    } catch {
      last = undefined;
    } finally {
      inFlight = false;
    }
  }

  void ping();
  const timer = setInterval(() => void ping(), everyMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
