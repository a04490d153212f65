import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ComponentStatus, StackSnapshot } from '../../../common/model';
import type { TraceDetail, TraceList, TraceSpan, TraceSummary } from '../../../common/traces';
import { fakeApi } from '../../../test/fakes/fake-api';
import { TracesView } from './TracesView';
import { NOT_FOUND_RETRIES, NOT_FOUND_RETRY_MS, REFRESH_MS, useTracesStore } from './useTracesStore';
import { waterfallRows } from '../../../common/trace-waterfall';

const T1 = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const T2 = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const START = Date.UTC(2026, 0, 5, 12) * 1000;

const summary = (patch: Partial<TraceSummary> = {}): TraceSummary => ({
  traceId: T1,
  rootService: 'gui',
  rootName: 'POST /chat',
  startUs: START,
  durationUs: 250_000,
  spanCount: 4,
  errorCount: 2,
  services: ['gui', 'llm', 'memory'],
  ...patch,
});
const list = (traces: TraceSummary[]): TraceList => ({ traces, fromUs: START - 3_600_000_000, toUs: START });

const span = (patch: Partial<TraceSpan> & Pick<TraceSpan, 'spanId' | 'name' | 'service'>): TraceSpan => ({
  traceId: T1,
  parentSpanId: null,
  kind: 'server',
  startUs: START,
  durationUs: 1000,
  status: 'unset',
  statusMessage: null,
  attributes: {},
  events: [],
  links: [],
  resource: {},
  scope: null,
  ...patch,
});

/** gui → llm → memory, where memory failed and llm passed the failure on; gui's own cache call is fine. */
const detail: TraceDetail = {
  summary: summary(),
  spans: [
    span({ spanId: '0000000000000001', name: 'POST /chat', service: 'gui', durationUs: 250_000, status: 'error', statusMessage: 'upstream llm failed' }),
    span({ spanId: '0000000000000004', parentSpanId: '0000000000000001', name: 'cache lookup', service: 'gui', startUs: START + 1_000, durationUs: 2_000 }),
    span({ spanId: '0000000000000002', parentSpanId: '0000000000000001', name: 'POST /generate', service: 'llm', kind: 'client', startUs: START + 10_000, durationUs: 200_000, status: 'error', statusMessage: 'memory answered 503' }),
    span({
      spanId: '0000000000000003', parentSpanId: '0000000000000002', name: 'GET /recall', service: 'memory', startUs: START + 20_000, durationUs: 50_000, status: 'error',
      events: [{ timeUs: START + 60_000, name: 'exception', attributes: { 'exception.message': 'connection refused: /tmp/memory.sock' } }],
      attributes: { 'http.route': '/recall' },
    }),
  ],
};

const component = (patch: Partial<ComponentStatus> & Pick<ComponentStatus, 'id' | 'state'>): ComponentStatus => ({
  name: patch.id, pid: null, port: 16686, version: null, binary: null, lastError: null, fix: null, detail: null, warning: null,
  since: 0, restarts: 0, adopted: false, lastExit: null, url: 'http://127.0.0.1:16686', ...patch,
});
const stack = (jaeger: ComponentStatus['state']): StackSnapshot => ({
  overall: 'ok', settingsError: null, configError: null, components: [component({ id: 'prometheus', state: 'running', url: 'http://127.0.0.1:9090' }), component({ id: 'jaeger', state: jaeger })],
});
const settings = (port: number, enabled = true) => ({ settings: { traces: { receiver: { enabled, port } } }, error: null, file: '/home/settings.json' });

function makeApi(over: Partial<Parameters<typeof fakeApi>[0]> = {}) {
  return fakeApi({
    'traces:list': () => list([summary(), summary({ traceId: T2, rootName: 'GET /health', rootService: 'memory', services: ['memory'], errorCount: 0, spanCount: 1, durationUs: 3_000 })]),
    'traces:get': (req) => ({ trace: (req as { traceId: string }).traceId === T1 ? detail : null }),
    'stack:get': () => stack('stopped'),
    'settings:get': () => settings(4318),
    ...over,
  });
}
const listCalls = (fake: ReturnType<typeof fakeApi>) => fake.calls.filter((c) => c.channel === 'traces:list').map((c) => c.req);

beforeEach(() =>
  useTracesStore.setState({
    filters: { service: '', errorsOnly: false, minDurationMs: null, window: null },
    list: null, loadingList: false, listError: null, knownServices: [],
    selectedId: null, detail: null, loadingDetail: false, detailError: null, notFound: false, stillLooking: false,
    jaegerUrl: null, receiver: null, api: null,
  }),
);
afterEach(cleanup);

describe('TracesView', () => {
  it('lists recent traces with operation, services, duration, span count, an error badge and the time', async () => {
    const fake = makeApi();
    render(<TracesView api={fake.api} />);
    const rows = within(await screen.findByRole('list', { name: 'Recent traces' })).getAllByRole('listitem');
    expect(rows).toHaveLength(2);
    const chat = rows[0]!;
    expect(within(chat).getByRole('button', { name: 'POST /chat' })).toBeTruthy();
    expect(within(chat).getByTestId(`trace-errors-${T1}`).textContent).toBe('2 errors');
    expect(within(chat).getByText('gui, llm, memory')).toBeTruthy();
    expect(within(chat).getByText('250.0 ms')).toBeTruthy();
    expect(within(chat).getByText('4 spans')).toBeTruthy();
    expect(within(chat).getByText(new Date(START / 1000).toLocaleTimeString())).toBeTruthy();
    const health = rows[1]!;
    expect(within(health).getByText('1 span')).toBeTruthy();
    expect(within(health).queryByText(/error/)).toBeNull();
    expect(listCalls(fake)).toEqual([{ limit: 100 }]);
  });

  it('filters by service and errors through traces:list, and by minimum duration on the loaded list', async () => {
    const fake = makeApi();
    render(<TracesView api={fake.api} />);
    await screen.findByRole('list', { name: 'Recent traces' });
    fireEvent.change(screen.getByLabelText('Service'), { target: { value: 'memory' } });
    await waitFor(() => expect(listCalls(fake).at(-1)).toEqual({ service: 'memory', limit: 100 }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Errors only' }));
    await waitFor(() => expect(listCalls(fake).at(-1)).toEqual({ service: 'memory', errorsOnly: true, limit: 100 }));
    const calls = listCalls(fake).length;
    fireEvent.change(screen.getByLabelText('Min duration (ms)'), { target: { value: '10' } });
    // 250 ms stays, the 3 ms health check goes; no request for it.
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Recent traces' })).getAllByRole('listitem')).toHaveLength(1));
    expect(screen.queryByRole('button', { name: 'GET /health' })).toBeNull();
    expect(listCalls(fake)).toHaveLength(calls);
  });

  it('starts with the filters of the route (an alert\'s traces link)', async () => {
    const fake = makeApi();
    render(<TracesView api={fake.api} initialService="llm" initialErrorsOnly />);
    await screen.findByRole('list', { name: 'Recent traces' });
    expect(listCalls(fake)).toEqual([{ service: 'llm', errorsOnly: true, limit: 100 }]);
    expect((screen.getByLabelText('Service') as HTMLSelectElement).value).toBe('llm');
    expect((screen.getByRole('checkbox', { name: 'Errors only' }) as HTMLInputElement).checked).toBe(true);
  });

  it("searches an alert's window when its link names one, and 'Last hour' leaves it", async () => {
    const fake = makeApi();
    const window = { fromUs: START - 900_000_000, toUs: START + 900_000_000 };
    render(<TracesView api={fake.api} initialService="llm" initialErrorsOnly initialWindow={window} />);
    await screen.findByRole('list', { name: 'Recent traces' });
    expect(listCalls(fake)).toEqual([{ service: 'llm', errorsOnly: true, fromUs: window.fromUs, toUs: window.toUs, limit: 100 }]);
    expect(screen.getByText(/Alert window from/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Last hour' }));
    await waitFor(() => expect(listCalls(fake)).toHaveLength(2));
    expect(listCalls(fake)[1]).toEqual({ service: 'llm', errorsOnly: true, limit: 100 });
    expect(screen.queryByText(/Alert window from/)).toBeNull();
  });

  it('selecting a trace shows its waterfall, indented by parent, with the failing hop highlighted and its error', async () => {
    const fake = makeApi();
    render(<TracesView api={fake.api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'POST /chat' }));
    const spans = within(await screen.findByRole('list', { name: 'Spans' })).getAllByRole('listitem');
    // Tree order: the root, its children by start (cache lookup, then the llm call), the memory call under llm.
    expect(spans.map((s) => s.getAttribute('aria-label'))).toEqual(['gui POST /chat, error', 'gui cache lookup', 'llm POST /generate, error', 'memory GET /recall, failed here']);
    const failing = screen.getByTestId('span-0000000000000003');
    // Indented by depth: root 0, llm 1, memory 2.
    expect(spans.map((s) => (s.firstElementChild as HTMLElement).style.paddingLeft)).toEqual(['0px', '10px', '10px', '20px']);
    expect(failing.className).toContain('span-row-failing');
    expect(within(failing).getByText('failed here')).toBeTruthy();
    expect(within(failing).getByText('connection refused: /tmp/memory.sock')).toBeTruthy();
    expect(screen.getByTestId('span-0000000000000002').className).not.toContain('span-row-failing');
    expect(screen.getByTestId('trace-failure').textContent).toBe('Failed in memory at GET /recall: connection refused: /tmp/memory.sock');
    expect(fake.calls.filter((c) => c.channel === 'traces:get').map((c) => c.req)).toEqual([{ traceId: T1 }]);
    // The span's attributes and events on demand.
    fireEvent.click(within(failing).getByRole('button', { name: 'GET /recall' }));
    expect(within(failing).getByText('/recall')).toBeTruthy();
    expect(within(failing).getByRole('list', { name: 'Events of GET /recall' })).toBeTruthy();
  });

  it('loads the trace of a deep link, offers Jaeger only while it runs, and says when the store lacks one', async () => {
    const fake = makeApi({ 'stack:get': () => stack('running') });
    const view = render(<TracesView api={fake.api} traceId={T1} />);
    expect(await screen.findByTestId('trace-failure')).toBeTruthy();
    expect(fake.calls.find((c) => c.channel === 'traces:get')?.req).toEqual({ traceId: T1 });
    expect((await screen.findByRole('link', { name: 'Open in Jaeger' })).getAttribute('href')).toBe(`http://127.0.0.1:16686/trace/${T1}`);
    act(() => fake.emit('stack:changed', stack('stopped')));
    expect(screen.queryByRole('link', { name: 'Open in Jaeger' })).toBeNull();

    view.rerender(<TracesView api={fake.api} traceId={T2} />);
    expect(await screen.findByText(/Trace b{32} is not in the store/)).toBeTruthy();
    expect(fake.calls.filter((c) => c.channel === 'traces:get').map((c) => c.req)).toEqual([{ traceId: T1 }, { traceId: T2 }]);
    view.rerender(<TracesView api={fake.api} />);
    await waitFor(() => expect(screen.queryByText(/is not in the store/)).toBeNull());
    expect(screen.queryByRole('button', { name: 'Close' })).toBeNull();
  });

  it('when the list is empty, says where to send traces (the configured receiver port)', async () => {
    const fake = makeApi({ 'traces:list': () => list([]), 'settings:get': () => settings(4319) });
    render(<TracesView api={fake.api} />);
    expect(await screen.findByText('No traces in the last hour.')).toBeTruthy();
    await waitFor(() => expect(screen.getByText('http://127.0.0.1:4319/v1/traces')).toBeTruthy());
    expect(screen.getByText('OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4319')).toBeTruthy();
  });

  it('shows a failed list or trace call inline with its message', async () => {
    const fake = makeApi({
      'traces:list': () => {
        throw new Error('telemetry store is not open');
      },
      'traces:get': () => {
        throw new Error('traceId: must be 32 hex characters');
      },
    });
    render(<TracesView api={fake.api} traceId="nope" />);
    const alerts = await screen.findAllByRole('alert');
    await waitFor(() => expect(screen.getAllByRole('alert').map((a) => a.textContent)).toEqual(['Could not load traces: telemetry store is not open', 'Could not load trace nope: traceId: must be 32 hex characters']));
    expect(alerts.length).toBeGreaterThan(0);
  });
});

describe('waterfallRows', () => {
  it('puts spans whose parent never arrived at the top, flagged, and keeps bars inside the track', () => {
    const rows = waterfallRows({
      summary: summary(),
      spans: [
        span({ spanId: '0000000000000001', name: 'root', service: 'gui', durationUs: 100 }),
        span({ spanId: '0000000000000009', parentSpanId: '00000000000000ff', name: 'lost child', service: 'llm', startUs: START + 99, durationUs: 1 }),
      ],
    });
    expect(rows.map((r) => [r.span.name, r.depth, r.orphan])).toEqual([['root', 0, false], ['lost child', 0, true]]);
    for (const r of rows) expect(r.offsetPct + r.widthPct).toBeLessThanOrEqual(100);
    expect(rows[1]!.widthPct).toBeGreaterThan(0);
  });
});

describe('useTracesStore', () => {
  it('refreshes the list while connected and stops when the last user disconnects', async () => {
    vi.useFakeTimers();
    try {
      const fake = makeApi();
      const off = useTracesStore.getState().connect(fake.api);
      await useTracesStore.getState().open();
      expect(listCalls(fake)).toHaveLength(1);
      vi.advanceTimersByTime(REFRESH_MS);
      expect(listCalls(fake)).toHaveLength(2);
      off();
      vi.advanceTimersByTime(REFRESH_MS * 3);
      expect(listCalls(fake)).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('asks again for a trace the store does not have yet (a log line links it before it is written), then gives up', async () => {
    vi.useFakeTimers();
    try {
      let asked = 0;
      // Written on the third ask, as a trace whose spans were still arriving when its log line was.
      const fake = makeApi({ 'traces:get': () => ({ trace: ++asked >= 3 ? detail : null }) });
      const off = useTracesStore.getState().connect(fake.api);
      void useTracesStore.getState().select(T1);
      await vi.advanceTimersByTimeAsync(0);
      expect(useTracesStore.getState()).toMatchObject({ notFound: true, stillLooking: true, detail: null });
      await vi.advanceTimersByTimeAsync(NOT_FOUND_RETRY_MS * 2);
      expect(asked).toBe(3);
      expect(useTracesStore.getState()).toMatchObject({ notFound: false, stillLooking: false, detail });

      // One that never comes: asked NOT_FOUND_RETRIES more times, then "not kept".
      asked = -1_000;
      void useTracesStore.getState().select(T2);
      await vi.advanceTimersByTimeAsync(NOT_FOUND_RETRY_MS * (NOT_FOUND_RETRIES + 5));
      expect(fake.calls.filter((c) => c.channel === 'traces:get' && (c.req as { traceId: string }).traceId === T2)).toHaveLength(NOT_FOUND_RETRIES + 1);
      expect(useTracesStore.getState()).toMatchObject({ notFound: true, stillLooking: false });
      off();
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops the answer to an older list request when a newer one was sent', async () => {
    let release: (v: TraceList) => void = () => {};
    const slow = new Promise<TraceList>((r) => (release = r));
    let n = 0;
    const fake = makeApi({ 'traces:list': () => (n++ === 0 ? slow : list([summary({ traceId: T2, rootName: 'newer' })])) });
    const off = useTracesStore.getState().connect(fake.api);
    const first = useTracesStore.getState().loadList();
    await useTracesStore.getState().setFilters({ service: 'llm' });
    release(list([summary({ rootName: 'older' })]));
    await first;
    expect(useTracesStore.getState().list?.traces.map((t) => t.rootName)).toEqual(['newer']);
    off();
  });
});
