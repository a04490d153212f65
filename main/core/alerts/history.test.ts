import { describe, expect, it } from 'vitest';
import { toIntervals } from './history';

const STEP = 5;
const END = 1_000;
/** An ALERTS series present at these seconds. */
const series = (labels: Record<string, string>, at: number[]) => ({ metric: { __name__: 'ALERTS', ...labels }, values: at.map((t) => [t, 1] as [number, number]) });
const range = (from: number, to: number) => Array.from({ length: (to - from) / STEP + 1 }, (_, i) => from + i * STEP);

describe('alert history intervals', () => {
  it('keeps each severity of an alert apart, cuts at gaps, and leaves a firing one open at the end', () => {
    const out = toIntervals(
      [
        series({ alertname: 'HighErrorRate', alertstate: 'firing', severity: 'warning', job: 'gui' }, [...range(100, 200), ...range(400, 500)]),
        series({ alertname: 'HighErrorRate', alertstate: 'firing', severity: 'critical', job: 'gui' }, range(900, END)),
      ],
      STEP,
      END,
    );
    expect(out.map((i) => [i.severity, i.from / 1000, i.to === null ? null : i.to / 1000])).toEqual([
      ['critical', 900, null],
      ['warning', 400, 500],
      ['warning', 100, 200],
    ]);
  });

  it('leaves out a pending that lasted one sample and is gone, and the always-firing Watchdog; keeps a longer pending', () => {
    const out = toIntervals(
      [
        series({ alertname: 'IPCErrors', alertstate: 'pending', severity: 'warning', job: 'gui' }, [300, 320, 340]),
        series({ alertname: 'HighLatency', alertstate: 'pending', severity: 'warning', job: 'llm' }, range(600, 640)),
        series({ alertname: 'Watchdog', alertstate: 'firing', severity: 'info' }, range(0, END)),
      ],
      STEP,
      END,
    );
    expect(out.map((i) => `${i.state} ${i.name} ${i.from / 1000}`)).toEqual(['pending HighLatency 600']);
  });
});
