import { describe, expect, it } from 'vitest';
import { createServiceMetrics } from './service-metrics';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('exemplars on the kit histograms', () => {
  it('OpenMetrics scrapes get the trace id of the latest request per bucket; classic scrapes the same values without it', async () => {
    const m = createServiceMetrics({ defaultMetrics: false });
    m.observeHttp({ method: 'GET', route: '/items/{id}', status: 200 }, 0.004, TRACE);
    m.observeIpc('memory', 'ok', 0.0002, 'aaaabbbbccccddddeeeeffff00001111');

    const om = await m.render('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5');
    expect(om.contentType).toMatch(/^application\/openmetrics-text/);
    expect(om.body).toContain(`http_request_duration_seconds_bucket{le="0.005",method="GET",route="/items/{id}",status="200"} 1 # {trace_id="${TRACE}"} 0.004 `);
    expect(om.body).toContain('# {trace_id="aaaabbbbccccddddeeeeffff00001111"}');
    expect(om.body).toContain('http_requests_total{method="GET",route="/items/{id}",status="200"} 1');
    expect(om.body.trimEnd().endsWith('# EOF')).toBe(true);

    const classic = await m.render();
    expect(classic.contentType).toMatch(/^text\/plain/);
    expect(classic.body).not.toContain('trace_id');
    expect(classic.body).toContain('http_requests_total{method="GET",route="/items/{id}",status="200"} 1');
  });

  it('a request without a trace leaves no exemplar', async () => {
    const m = createServiceMetrics({ defaultMetrics: false });
    m.observeHttp({ method: 'GET', route: '/', status: 200 }, 0.01);
    expect((await m.render('application/openmetrics-text')).body).not.toContain('trace_id');
  });
});
