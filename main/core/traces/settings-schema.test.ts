import { describe, expect, it } from 'vitest';
import { jaegerComponentSchema, samplingPolicy, storeSettingsSchema, tracesSettingsSchema } from './settings-schema';
import { durationMs, sizeBytes } from '../settings/units';

const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) => (r.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('store and traces settings', () => {
  it('defaults every field', () => {
    expect(storeSettingsSchema.parse(undefined)).toEqual({ retention: { maxAge: '7d', maxSize: '1GB' } });
    const t = tracesSettingsSchema.parse({});
    expect(t.receiver).toEqual({ enabled: true, port: 4318, maxBodySize: '8MB' });
    expect(t.sampling).toEqual({ ratio: 0.1, keepErrors: true, slow: { default: '1s', services: {} }, decisionWait: '2s', maxWait: '30s', maxTraces: 10_000, maxSpans: 200_000 });
    expect(jaegerComponentSchema.parse({})).toMatchObject({ enabled: false, storage: 'memory', port: 16686, otlpHttpPort: 14318, otlpGrpcPort: 14317, healthPort: 13133 });
  });

  it('turns durations and sizes into numbers, and slow thresholds into the sampler policy', () => {
    expect(durationMs('2.5s')).toBe(2500);
    expect(durationMs('1m30s')).toBe(90_000);
    expect(durationMs('7d')).toBe(7 * 86_400_000);
    expect(sizeBytes('1GB')).toBe(1024 ** 3);
    expect(sizeBytes('512MB')).toBe(512 * 1024 ** 2);
    const t = tracesSettingsSchema.parse({ sampling: { ratio: 0.25, slow: { default: null, services: { llm: '2.5s', memory: null } } } });
    expect(samplingPolicy(t.sampling)).toEqual({ ratio: 0.25, keepErrors: true, slowMs: { default: null, services: { llm: 2500, memory: null } } });
  });

  it('names each wrong field', () => {
    expect(issues(tracesSettingsSchema.safeParse({ sampling: { ratio: 2, decisionWait: 'soon' }, receiver: { port: 70000 } }))).toEqual([
      'receiver.port: must be from 1 to 65535',
      'sampling.ratio: must be a ratio from 0 to 1',
      'sampling.decisionWait: must be a duration such as 2s (units ms, s, m, h, d, w, y)',
    ]);
    expect(issues(storeSettingsSchema.safeParse({ retention: { maxSize: '1 gig', maxAge: '0s' } }))).toEqual([
      'retention.maxAge: must be longer than 0',
      'retention.maxSize: must be a size such as 1GB (B, KB, MB, GB, TB; 1 KB = 1024 bytes)',
    ]);
    expect(issues(tracesSettingsSchema.safeParse({ sampling: { maxWait: '1s', decisionWait: '5s' } }))).toEqual(['sampling.maxWait: must be at least decisionWait (5s)']);
    expect(issues(tracesSettingsSchema.safeParse({ sampling: { slow: { services: { 'bad name!': '1s' } } } }))[0]).toContain('service names are');
    expect(issues(tracesSettingsSchema.safeParse({ sampler: {} }))[0]).toMatch(/sampler/);
  });
});
