import { describe, expect, it } from 'vitest';
import { createNewErrorPatternDetector, NEW_ERROR_PATTERNS_METRIC } from './new-error-patterns';

const MIN = 60_000;
const T = 1_700_000_000_000;

describe('new error pattern detector', () => {
  it('learns during the learning period, then reports an error template the service never logged', () => {
    const d = createNewErrorPatternDetector({ learningMs: 10 * MIN });
    expect(d.observe({ service: 'llm', templateId: 'info1', level: 'info', timeMs: T })).toBeNull();
    expect(d.observe({ service: 'llm', templateId: 'e1', level: 'error', timeMs: T + MIN })).toBeNull(); // learning
    expect(d.series()).toEqual([{ labels: { service: 'llm' }, value: 0 }]);
    expect(d.observe({ service: 'llm', templateId: 'e1', level: 'error', timeMs: T + 11 * MIN })).toBeNull(); // known
    expect(d.observe({ service: 'llm', templateId: 'info1', level: 'warn', timeMs: T + 12 * MIN })).toBeNull(); // not an error
    expect(d.observe({ service: 'llm', templateId: 'e2', template: 'disk full', level: 'fatal', timeMs: T + 12 * MIN })).toEqual({ service: 'llm', templateId: 'e2', template: 'disk full', level: 'fatal', timeMs: T + 12 * MIN });
    expect(d.observe({ service: 'llm', templateId: 'e2', level: 'error', timeMs: T + 13 * MIN })).toBeNull(); // reported once
    expect(d.series()).toEqual([{ labels: { service: 'llm' }, value: 1 }]);
  });

  it('is per service, each with its own learning period, and an info template becoming an error is new', () => {
    const d = createNewErrorPatternDetector({ learningMs: 10 * MIN });
    d.observe({ service: 'llm', templateId: 'x', level: 'info', timeMs: T });
    d.observe({ service: 'llm', templateId: 'e1', level: 'error', timeMs: T });
    // memory starts later: its learning runs from its own first record
    d.observe({ service: 'memory', templateId: 'e1', level: 'error', timeMs: T + 15 * MIN });
    expect(d.observe({ service: 'memory', templateId: 'e9', level: 'error', timeMs: T + 20 * MIN })).toBeNull();
    expect(d.observe({ service: 'memory', templateId: 'e9', level: 'error', timeMs: T + 26 * MIN })).toBeNull();
    expect(d.observe({ service: 'llm', templateId: 'x', level: 'error', timeMs: T + 20 * MIN })).not.toBeNull();
    expect(d.series()).toEqual([
      { labels: { service: 'llm' }, value: 1 },
      { labels: { service: 'memory' }, value: 0 },
    ]);
  });

  it('carries known patterns and learning starts across a restart', () => {
    const d = createNewErrorPatternDetector({ learningMs: MIN });
    d.observe({ service: 'llm', templateId: 'e1', level: 'error', timeMs: T });
    d.observe({ service: 'llm', templateId: 'e2', level: 'error', timeMs: T + 2 * MIN });
    const again = createNewErrorPatternDetector({ learningMs: MIN }, JSON.parse(JSON.stringify(d.snapshot())));
    expect(again.observe({ service: 'llm', templateId: 'e1', level: 'error', timeMs: T + 3 * MIN })).toBeNull();
    expect(again.observe({ service: 'llm', templateId: 'e3', level: 'error', timeMs: T + 3 * MIN })).not.toBeNull();
    expect(again.series()).toEqual([{ labels: { service: 'llm' }, value: 2 }]);
    expect(() => createNewErrorPatternDetector({}, { version: 1, services: [{ service: '' }], known: [] })).toThrow(/new-error-pattern snapshot: services\.0\.service/);
  });

  it('forgets the least recently seen pattern past maxKnown', () => {
    const d = createNewErrorPatternDetector({ learningMs: 0, maxKnown: 2 });
    d.observe({ service: 's', templateId: 'a', level: 'error', timeMs: T });
    d.observe({ service: 's', templateId: 'b', level: 'error', timeMs: T });
    d.observe({ service: 's', templateId: 'c', level: 'error', timeMs: T });
    expect(d.observe({ service: 's', templateId: 'a', level: 'error', timeMs: T })).not.toBeNull();
    expect(d.observe({ service: 's', templateId: 'c', level: 'error', timeMs: T })).toBeNull();
  });

  it('names its metric the Prometheus way', () => {
    expect(NEW_ERROR_PATTERNS_METRIC.name).toMatch(/^lookout_log_[a-z_]+_total$/);
    expect(NEW_ERROR_PATTERNS_METRIC.type).toBe('counter');
  });
});
