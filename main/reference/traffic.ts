/**
 * The demo's traffic generator: a steady RATE of requests per second through the reference stack, so
 * dashboards and alert rules have data. The mix (per 10 requests): 7 questions to the GUI (most from a
 * small set, so the LLM cache hits; every fifth one new, so it misses and asks memory over IPC), 2 memory
 * searches, 1 memory write (paired with a delete once 100 items are ours, so memory does not grow forever).
 */

export interface TrafficOptions {
  /** Requests per second (0 < rate ≤ 1000). */
  rate: number;
  guiUrl: string;
  memoryUrl: string;
  /** Requests left unanswered beyond this are not added to (a hung service must not pile up sockets). Default 64. */
  maxInFlight?: number;
  timeoutMs?: number;
}

export interface TrafficStats {
  sent: number;
  ok: number;
  failed: number;
  /** Not sent because maxInFlight requests were still waiting. */
  skipped: number;
}

export interface Traffic {
  stats(): TrafficStats;
  stop(): Promise<void>;
}

const QUESTIONS = [
  'What does Lookout watch?',
  'How does the LLM server find context?',
  'Which port does Prometheus use?',
  'How are alerts routed?',
  'What is a correlation id?',
  'How do traces cross the Unix socket?',
  'Why are route labels templates?',
  'What can fault injection do?',
];

const SEARCHES = ['prometheus metrics', 'memory socket', 'fault latency', 'trace header', 'alerts errors'];

export function parseRate(value: string): number {
  const rate = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(rate > 0) || rate > 1000) throw new Error(`--traffic must be a number of requests per second above 0 and at most 1000 (got ${value})`);
  return rate;
}

export function startTraffic(opts: TrafficOptions): Traffic {
  const stats: TrafficStats = { sent: 0, ok: 0, failed: 0, skipped: 0 };
  const maxInFlight = opts.maxInFlight ?? 64;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const inFlight = new Set<Promise<void>>();
  const ours: string[] = [];
  const started = Date.now();
  let scheduled = 0;

  async function one(i: number): Promise<void> {
    const slot = i % 10;
    const signal = AbortSignal.timeout(timeoutMs);
    const json = { 'Content-Type': 'application/json' };
    let res: Response;
    if (slot < 7) {
      const prompt = slot === 4 ? `${QUESTIONS[i % QUESTIONS.length]} (variant ${i})` : QUESTIONS[i % QUESTIONS.length]!;
      res = await fetch(`${opts.guiUrl}/api/complete`, { method: 'POST', headers: json, body: JSON.stringify({ prompt }), signal });
    } else if (slot < 9) {
      res = await fetch(`${opts.memoryUrl}/search?q=${encodeURIComponent(SEARCHES[i % SEARCHES.length]!)}`, { signal });
    } else if (ours.length >= 100) {
      res = await fetch(`${opts.memoryUrl}/items/${encodeURIComponent(ours.shift()!)}`, { method: 'DELETE', signal });
    } else {
      res = await fetch(`${opts.memoryUrl}/items`, { method: 'POST', headers: json, body: JSON.stringify({ text: `traffic note ${i} about ${SEARCHES[i % SEARCHES.length]}` }), signal });
      if (res.ok) ours.push(((await res.json()) as { id: string }).id);
    }
    await res.body?.cancel().catch(() => undefined);
    if (res.ok) stats.ok++;
    else stats.failed++;
  }

  // Catch up to rate × elapsed on every tick: no drift, whatever the timer's jitter.
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * opts.rate);
    while (scheduled < due) {
      const i = scheduled++;
      if (inFlight.size >= maxInFlight) {
        stats.skipped++;
        continue;
      }
      stats.sent++;
      const p: Promise<void> = one(i)
        .catch(() => {
          stats.failed++;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  }, Math.max(5, Math.min(100, 1000 / opts.rate)));

  return {
    stats: () => ({ ...stats }),
    async stop() {
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
