import { describe, expect, it } from 'vitest';
import { defaultSettings, settingsSchema } from '../settings/schema';
import { isAllowedExternalUrl } from './allowlist';
import { alertTracesUrl, jaegerSearchUrl, jaegerTraceUrl, lookoutTracesRoute } from './jaeger';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const jaegerOn = (extra: Record<string, unknown> = {}) => settingsSchema.parse({ stack: { components: { jaeger: { enabled: true, ...extra } } } });
const startsAt = Date.parse('2026-01-05T12:00:00Z');

describe('Jaeger links', () => {
  it('point at Jaeger on its configured UI port, and the shell allowlist accepts them', () => {
    const settings = jaegerOn({ port: 17686 });
    const trace = jaegerTraceUrl(settings, TRACE);
    expect(trace).toBe(`http://127.0.0.1:17686/trace/${TRACE}`);
    const search = jaegerSearchUrl(settings, 'llm', { fromMs: startsAt, toMs: startsAt + 60_000 });
    expect(search).toBe(`http://127.0.0.1:17686/search?service=llm&lookback=custom&start=${startsAt * 1000}&end=${(startsAt + 60_000) * 1000}`);
    expect(isAllowedExternalUrl(trace!, settings)).toBe(true);
    expect(isAllowedExternalUrl(search!, settings)).toBe(true);
    // Another path on Jaeger's port is not something Lookout links to.
    expect(isAllowedExternalUrl('http://127.0.0.1:17686/api/traces', settings)).toBe(false);
  });

  it('are null while Jaeger is disabled (the default) or the trace id is not one', () => {
    expect(jaegerTraceUrl(defaultSettings(), TRACE)).toBeNull();
    expect(jaegerSearchUrl(defaultSettings(), 'llm')).toBeNull();
    expect(jaegerTraceUrl(jaegerOn(), 'not-a-trace')).toBeNull();
  });

  it("Lookout's own route names the service, escaped, and asks for error traces", () => {
    expect(lookoutTracesRoute('llm')).toBe('#/traces?service=llm&errors=1');
    expect(lookoutTracesRoute('a b&c', false)).toBe('#/traces?service=a+b%26c');
    expect(lookoutTracesRoute('llm', true, { fromMs: 1000.5, toMs: 2000.5 })).toBe('#/traces?service=llm&errors=1&from=1000&to=2001');
  });
});

describe('alertTracesUrl', () => {
  const alert = { labels: { alertname: 'HighErrorRate', job: 'llm', severity: 'warning' }, startsAt };

  it("opens Jaeger's search for the alert's service in its window when Jaeger is enabled and running", () => {
    const resolvedAt = startsAt + 10 * 60_000;
    const url = new URL(alertTracesUrl({ ...alert, resolvedAt }, jaegerOn(), true)!);
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:16686/search');
    expect(url.searchParams.get('service')).toBe('llm');
    expect(Number(url.searchParams.get('start'))).toBe((startsAt - 15 * 60_000) * 1000);
    expect(Number(url.searchParams.get('end'))).toBe((resolvedAt + 15 * 60_000) * 1000);
  });

  it('while the alert fires, looks back from now far enough to cover its start', () => {
    const now = startsAt + 2.5 * 3_600_000;
    const url = new URL(alertTracesUrl(alert, jaegerOn(), true, now)!);
    // 15 min before the start to now is 2 h 45 min: 3 h.
    expect(url.searchParams.get('lookback')).toBe('3h');
    expect(url.searchParams.has('start')).toBe(false);
  });

  it("falls back to Lookout's own trace view when Jaeger is enabled but not running, or disabled", () => {
    const from = startsAt - 15 * 60_000;
    expect(alertTracesUrl(alert, jaegerOn(), false)).toBe(`#/traces?service=llm&errors=1&from=${from}`);
    expect(alertTracesUrl(alert, defaultSettings(), true)).toBe(`#/traces?service=llm&errors=1&from=${from}`);
    // resolved: the window ends 15 min after it
    expect(alertTracesUrl({ ...alert, resolvedAt: startsAt + 60_000 }, defaultSettings(), false)).toBe(`#/traces?service=llm&errors=1&from=${from}&to=${startsAt + 16 * 60_000}`);
  });

  it('is null for alerts about no service or about a component of the stack', () => {
    expect(alertTracesUrl({ labels: { alertname: 'DiskFull', mountpoint: '/' }, startsAt }, jaegerOn(), true)).toBeNull();
    expect(alertTracesUrl({ labels: { alertname: 'ServiceDown', job: 'prometheus' }, startsAt }, jaegerOn(), true)).toBeNull();
    expect(alertTracesUrl({ labels: { alertname: 'ServiceDown', job: 'lookout' }, startsAt }, defaultSettings(), false)).toBe(`#/traces?service=lookout&errors=1&from=${startsAt - 15 * 60_000}`);
  });
});
