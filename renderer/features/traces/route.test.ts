import { describe, expect, it } from 'vitest';
import { parseTracesRoute } from './route';

describe('parseTracesRoute', () => {
  it.each([
    ['#/traces', {}],
    ['#/traces/', {}],
    ['#/traces/4bf92f3577b34da6a3ce929d0e0e4736', { traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }],
    ['#/traces?service=llm&errors=1', { initialService: 'llm', initialErrorsOnly: true }],
    ['#/traces?service=a+b%26c', { initialService: 'a b&c' }],
    ['#/traces?errors=0', { initialErrorsOnly: false }],
    ['#/traces?service=llm&errors=1&from=1000&to=2000', { initialService: 'llm', initialErrorsOnly: true, initialWindow: { fromUs: 1_000_000, toUs: 2_000_000 } }],
    ['#/traces?service=llm&from=1000', { initialService: 'llm', initialWindow: { fromUs: 1_000_000 } }],
    ['#/traces?from=abc&to=5', {}],
  ])('%s', (hash, props) => expect(parseTracesRoute(hash)).toEqual(props));

  it('is null for other routes', () => {
    expect(parseTracesRoute('#/logs')).toBeNull();
    expect(parseTracesRoute('#/tracesx')).toBeNull();
    expect(parseTracesRoute('')).toBeNull();
  });
});
