import { describe, expect, it } from 'vitest';
import { settingsSchema } from './schema';
import { durationMs, sizeBytes } from './units';

const issues = (input: unknown) => {
  const r = settingsSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('settings units', () => {
  it('reads durations and binary sizes, and nothing else', () => {
    expect([durationMs('2.5s'), durationMs('1m30s'), durationMs('500ms'), durationMs('soon')]).toEqual([2500, 90_000, 500, Number.NaN]);
    expect([sizeBytes('1.5KB'), sizeBytes('1GB'), sizeBytes('1 GB')]).toEqual([1536, 1024 ** 3, Number.NaN]);
  });

  it('says what a port must be, in words, wherever one is set', () => {
    expect(issues({ lookout: { port: 'hello' } })).toEqual(['lookout.port: must be a port number']);
    expect(issues({ stack: { components: { prometheus: { port: 70_000 } } } })).toEqual(['stack.components.prometheus.port: must be from 1 to 65535']);
    expect(issues({ traces: { receiver: { port: 0 } } })).toEqual(['traces.receiver.port: must be from 1 to 65535']);
  });
});
