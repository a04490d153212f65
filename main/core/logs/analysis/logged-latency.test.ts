import { describe, expect, it } from 'vitest';
import { createLatencyAggregator } from './latency-aggregator';
import { extractLoggedLatency, parseDurationString, routeFromPath } from './logged-latency';

const of = (message: string, attributes: Record<string, unknown> = {}) => extractLoggedLatency({ message, attributes: attributes as never });

describe('extractLoggedLatency', () => {
  it('reads the kit’s request line: duration_ms and METHOD + route', () => {
    expect(of('request completed', { method: 'POST', route: '/v1/chat', path: '/v1/chat', status: 200, duration_ms: 12.3 })).toEqual({ durationMs: 12.3, route: 'POST /v1/chat' });
  });

  it('reads pino-http (responseTime in ms, req.method and req.url) and normalises the path', () => {
    expect(of('request completed', { req: { method: 'get', url: '/users/123/posts?x=1' }, res: { statusCode: 200 }, responseTime: 7 })).toEqual({ durationMs: 7, route: 'GET /users/{id}/posts' });
  });

  it('takes the unit from the field name or from a string value', () => {
    expect(of('x', { latency_seconds: 0.25 }).durationMs).toBe(250);
    expect(of('x', { durationUs: 1500 }).durationMs).toBe(1.5);
    expect(of('x', { elapsed: '350µs' }).durationMs).toBeCloseTo(0.35);
    expect(of('x', { took: '1m2.5s' }).durationMs).toBe(62_500);
    expect(of('x', { request_time: 0.012 }).durationMs).toBe(12); // nginx: seconds
    expect(of('x', { event: { duration: 2_000_000 } }).durationMs).toBe(2); // ECS: nanoseconds
    expect(of('x', { duration: 40 }).durationMs).toBe(40); // a bare number: milliseconds
  });

  it('finds durations in messages', () => {
    expect(of('Reading broadcast variable 9 took 14 ms').durationMs).toBe(14);
    expect(of('query finished in 1.2s').durationMs).toBe(1200);
    expect(of('cache miss elapsed=350µs').durationMs).toBeCloseTo(0.35);
    expect(of('upstream latency: 5 ms').durationMs).toBe(5);
    expect(of('timed out after 30 seconds').durationMs).toBe(30_000);
    expect(of('done in 1m30s').durationMs).toBe(90_000);
    expect(of('127.0.0.1 - GET /v1/x?y=2 200 12.3 ms - 17')).toEqual({ durationMs: 12.3, route: 'GET /v1/x' });
  });

  it('says nothing rather than inventing a duration or a route', () => {
    expect(of('processed 3 steps in 2024 for user 7', { time: 1700000000000, status: 200 })).toEqual({ durationMs: null, route: null });
    expect(of('x', { duration: -5, latency: 'soon' })).toEqual({ durationMs: null, route: null });
  });

  it('names an operation when there is no path', () => {
    expect(of('x', { operation: 'embed' }).route).toBe('embed');
  });
});

describe('parseDurationString and routeFromPath', () => {
  it('parse units and Go durations, refuse the rest', () => {
    expect(parseDurationString('12ms')).toBe(12);
    expect(parseDurationString('2 seconds')).toBe(2000);
    expect(parseDurationString('1h')).toBe(3_600_000);
    expect(parseDurationString('12')).toBeNull();
    expect(parseDurationString('fast')).toBeNull();
  });

  it('drop host and query, and fold id segments', () => {
    expect(routeFromPath('http://127.0.0.1:8080/v1/items/9f3a1?b=2#f')).toBe('/v1/items/{id}');
    expect(routeFromPath('health')).toBe('/health');
  });
});

describe('latency aggregator', () => {
  it('gives percentiles per route and per template within the sketch’s 1 % relative error', () => {
    const agg = createLatencyAggregator();
    for (let i = 1; i <= 1000; i++) agg.record({ durationMs: i, route: 'GET /a', templateId: 't1' });
    for (let i = 0; i < 10; i++) agg.record({ durationMs: 5, route: 'GET /b', templateId: null });
    const [a, b] = agg.byRoute();
    expect(a!.key).toBe('GET /a');
    expect(a!.count).toBe(1000);
    expect(Math.abs(a!.p50 - 500) / 500).toBeLessThanOrEqual(0.011);
    expect(Math.abs(a!.p90 - 900) / 900).toBeLessThanOrEqual(0.011);
    expect(Math.abs(a!.p99 - 990) / 990).toBeLessThanOrEqual(0.011);
    expect([a!.min, a!.max, a!.meanMs]).toEqual([1, 1000, 500.5]);
    expect(b).toMatchObject({ key: 'GET /b', count: 10, min: 5, max: 5 });
    expect(agg.byTemplate().map((s) => [s.key, s.count])).toEqual([['t1', 1000]]);
  });

  it('drops the least recently updated key past maxKeys, and says how many', () => {
    const agg = createLatencyAggregator({ maxKeys: 2 });
    agg.record({ durationMs: 1, route: 'a' });
    agg.record({ durationMs: 1, route: 'b' });
    agg.record({ durationMs: 1, route: 'a' });
    agg.record({ durationMs: 1, route: 'c' });
    expect(agg.byRoute().map((s) => s.key).sort()).toEqual(['a', 'c']);
    expect(agg.dropped()).toEqual({ routes: 1, templates: 0 });
  });

  it('ignores durations that are not one', () => {
    const agg = createLatencyAggregator();
    agg.record({ durationMs: Number.NaN, route: 'a' });
    agg.record({ durationMs: -1, route: 'a' });
    expect(agg.byRoute()).toEqual([]);
  });
});
