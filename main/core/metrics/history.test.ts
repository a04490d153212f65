import { describe, expect, it } from 'vitest';
import type { PrometheusClient, RangeSeries } from '../prometheus/client';
import { HISTORY_QUERIES, loadHistory, RANGE_STEPS } from './history';

/** A fake Prometheus client answering per query prefix from a table (or `fallback`); anything else returns no series. */
function fakeClient(answers: Record<string, RangeSeries[]>, asked: string[] = [], fallback?: Error): PrometheusClient {
  return {
    async queryRange(expr) {
      asked.push(expr);
      const key = Object.keys(answers).find((k) => expr.startsWith(k));
      if (key) return answers[key]!;
      if (fallback) throw fallback;
      return [];
    },
    async query() {
      return [];
    },
  };
}

describe('loadHistory', () => {
  it('merges each key\'s series into samples by time, leaving out keys without data', async () => {
    const asked: string[] = [];
    const client = fakeClient(
      {
        'lookout_memory_used_bytes': [{ metric: {}, values: [[100, 5e9], [130, 6e9]] }],
        '1 - avg(rate(lookout_cpu_seconds_total': [{ metric: {}, values: [[130, 0.25]] }],
      },
      asked,
    );
    const history = await loadHistory(client, '1h', 200_000);
    expect(history.error).toBeNull();
    expect(history.samples).toEqual([
      { at: 100_000, values: { 'memory.used_bytes': 5e9 } },
      { at: 130_000, values: { 'memory.used_bytes': 6e9, 'cpu.usage_ratio': 0.25 } },
    ]);
    expect(asked).toHaveLength(Object.keys(HISTORY_QUERIES).length);
    // Rate windows are filled in for the range's step.
    expect(asked.find((q) => q.includes('lookout_cpu_seconds_total'))).toContain(`[${RANGE_STEPS['1h'].stepSeconds * 4}s]`);
    expect(asked.every((q) => !q.includes('$window'))).toBe(true);
  });

  it('says why there is no history when every query fails', async () => {
    const down = new Error('Prometheus is not answering at http://127.0.0.1:9090 (ECONNREFUSED)');
    const client = fakeClient({}, [], down);
    const history = await loadHistory(client, '24h', Date.now());
    expect(history.samples).toEqual([]);
    expect(history.error).toMatch(/ECONNREFUSED/);
  });
});
