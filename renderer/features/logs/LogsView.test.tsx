import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogErrorGroup, LogLine, LogsStatus } from '../../../common/logs';
import { fakeApi } from '../../../test/fakes/fake-api';
import { LogsView } from './LogsView';
import { BASELINE_US, TAIL_CAPACITY, useLogsStore } from './useLogsStore';

/** A log line's trace link reads "Trace <first 8>" and carries the rest of the id for screen readers. */
const traceLinkName = (id: string) => new RegExp(`^Trace ${id.slice(0, 8)}\\s?${id.slice(8)}$`);

const NOW = Date.UTC(2026, 0, 5, 12) * 1000;
const HOUR = 3_600_000_000;
const TRACE = 'cccccccccccccccccccccccccccccccc';

const line = (patch: Partial<LogLine> = {}): LogLine => ({
  timeUs: NOW - 1_000_000,
  service: 'llm',
  source: 'file',
  origin: '/var/log/llm.log',
  level: 'info',
  message: 'generated 12 tokens',
  traceId: null,
  spanId: null,
  attributes: {},
  templateId: 't1',
  template: 'generated <*> tokens',
  durationMs: null,
  route: null,
  ...patch,
});
const group = (patch: Partial<LogErrorGroup> = {}): LogErrorGroup => ({
  templateId: 'e1',
  template: 'memory unreachable: <*>',
  count: 7,
  firstSeenUs: NOW - 10 * 60_000_000,
  lastSeenUs: NOW - 60_000_000,
  services: ['llm'],
  exampleTraceId: TRACE,
  examples: ['memory unreachable: ECONNREFUSED'],
  ...patch,
});
const status = (patch: Partial<LogsStatus> = {}): LogsStatus => ({
  enabled: true,
  files: [{ path: '/var/log/llm.log', service: 'llm', source: 'file', offset: 120, problem: null }, { path: '/var/log/gui.log', service: 'gui', source: 'file', offset: 0, problem: 'permission denied' }],
  ship: [],
  problems: [],
  ...patch,
});

function makeApi(over: Partial<Parameters<typeof fakeApi>[0]> = {}) {
  return fakeApi({
    'logs:status': () => status(),
    'logs:search': () => ({ lines: [line({ traceId: TRACE, level: 'error', message: 'upstream failed' }), line()], fromUs: NOW - HOUR, toUs: NOW }),
    'logs:errors': (req) =>
      (req as { toUs?: number }).toUs === undefined
        ? { groups: [group(), group({ templateId: 'e2', template: 'slow request <*>', count: 3, exampleTraceId: null })], fromUs: NOW - HOUR, toUs: NOW }
        : { groups: [group({ templateId: 'e2', template: 'slow request <*>' })], fromUs: NOW - HOUR - BASELINE_US, toUs: NOW - HOUR },
    'logs:patterns': () => ({ patterns: [{ templateId: 't1', template: 'generated <*> tokens', count: 42, maxLevel: 'info', counts: [1, 2, 3] }], fromUs: NOW - HOUR, toUs: NOW, bucketUs: HOUR / 3 }),
    ...over,
  });
}
const reqs = (fake: ReturnType<typeof fakeApi>, channel: string) => fake.calls.filter((c) => c.channel === channel).map((c) => c.req);

beforeEach(() =>
  useLogsStore.setState({
    status: null, statusError: null, query: { text: '', service: '', minLevel: '' }, search: null, searching: false, searchError: null,
    errors: null, errorsError: null, patterns: null, patternsError: null, openPattern: null, tail: [], paused: false, api: null,
  }),
);
afterEach(cleanup);

describe('LogsView', () => {
  it('searches with text, service and level through logs:search and lists the lines', async () => {
    const fake = makeApi();
    render(<LogsView api={fake.api} />);
    const lines = await screen.findByRole('list', { name: 'Log lines' });
    expect(within(lines).getByText('upstream failed')).toBeTruthy();
    expect(reqs(fake, 'logs:search')).toEqual([{ limit: 200 }]);

    fireEvent.change(screen.getByLabelText('Level'), { target: { value: 'warn' } });
    await waitFor(() => expect(reqs(fake, 'logs:search').at(-1)).toEqual({ minLevel: 'warn', limit: 200 }));
    fireEvent.change(screen.getByLabelText('Service'), { target: { value: 'llm' } });
    fireEvent.change(screen.getByLabelText('Text'), { target: { value: ' timeout ' } });
    fireEvent.click(await screen.findByRole('button', { name: 'Search' }));
    await waitFor(() => expect(reqs(fake, 'logs:search').at(-1)).toEqual({ text: 'timeout', service: 'llm', minLevel: 'warn', limit: 200 }));
  });

  it("links a line's trace id to the trace's route", async () => {
    const fake = makeApi();
    render(<LogsView api={fake.api} />);
    const link = await screen.findByRole('link', { name: traceLinkName(TRACE) });
    expect(link.getAttribute('href')).toBe(`#/traces/${TRACE}`);
    expect(link.getAttribute('target')).toBeNull();
    // The line without a trace id has no link.
    const plain = screen.getByText('generated 12 tokens').closest('li')!;
    expect(within(plain).queryByRole('link')).toBeNull();
  });

  it('marks error patterns that did not occur the day before as new, with counts and an example trace', async () => {
    const fake = makeApi();
    render(<LogsView api={fake.api} />);
    const list = await screen.findByRole('list', { name: 'Error patterns' });
    const fresh = within(list).getByRole('listitem', { name: 'New: memory unreachable: <*>' });
    expect(within(fresh).getByText('new')).toBeTruthy();
    expect(within(fresh).getByText('7 lines')).toBeTruthy();
    expect(within(fresh).getByRole('link', { name: `Example trace ${TRACE}` }).getAttribute('href')).toBe(`#/traces/${TRACE}`);
    const old = within(list).getByRole('listitem', { name: 'slow request <*>' });
    expect(within(old).getByText('recurring')).toBeTruthy();
    expect(within(old).queryByRole('link')).toBeNull();
    expect(screen.getByText('1 new')).toBeTruthy();
    expect(reqs(fake, 'logs:errors')).toEqual([{}, { fromUs: NOW - HOUR - BASELINE_US, toUs: NOW - HOUR, limit: 1000, examples: 0 }]);

    const patterns = screen.getByRole('list', { name: 'Log patterns' });
    expect(within(within(patterns).getByRole('listitem', { name: 'generated <*> tokens' })).getByText('42 lines')).toBeTruthy();
  });

  it('shows tailed lines newest first, bounded, filtered like the search, and holds them while paused', async () => {
    const fake = makeApi();
    render(<LogsView api={fake.api} />);
    await screen.findByRole('list', { name: 'Log lines' });
    expect(screen.getByText('Waiting for new lines…')).toBeTruthy();
    act(() => fake.emit('logs:tail', { lines: [line({ message: 'first' }), line({ message: 'second', service: 'gui' })] }));
    const tail = () => within(screen.getByRole('list', { name: 'Live tail' })).getAllByRole('listitem');
    expect(tail().map((li) => li.querySelector('.log-message')!.textContent)).toEqual(['second', 'first']);

    act(() => fake.emit('logs:tail', { lines: Array.from({ length: 250 }, (_, i) => line({ message: `line ${i}` })) }));
    expect(tail()).toHaveLength(TAIL_CAPACITY);
    expect(tail()[0]!.querySelector('.log-message')!.textContent).toBe('line 249');
    expect(tail().at(-1)!.querySelector('.log-message')!.textContent).toBe(`line ${250 - TAIL_CAPACITY}`);
    expect(useLogsStore.getState().tail).toHaveLength(TAIL_CAPACITY);

    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    act(() => fake.emit('logs:tail', { lines: [line({ message: 'while paused' })] }));
    expect(screen.queryByText('while paused')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));

    act(() => fake.emit('logs:tail', { lines: [line({ message: 'from gui', service: 'gui' })] }));
    fireEvent.change(screen.getByLabelText('Service'), { target: { value: 'gui' } });
    expect(tail().map((li) => li.querySelector('.log-message')!.textContent)).toEqual(['from gui']);
  });

  it('when nothing matches, names the files that are followed and why one cannot be read', async () => {
    const fake = makeApi({ 'logs:search': () => ({ lines: [], fromUs: NOW - HOUR, toUs: NOW }) });
    render(<LogsView api={fake.api} />);
    const files = await screen.findByRole('list', { name: 'Followed files' });
    expect(within(files).getByText('/var/log/llm.log')).toBeTruthy();
    expect(within(files).getByText(/permission denied/)).toBeTruthy();
  });

  it('says so when no file is followed, and shows failed calls inline', async () => {
    const fake = makeApi({
      'logs:status': () => status({ files: [] }),
      'logs:search': () => ({ lines: [], fromUs: NOW - HOUR, toUs: NOW }),
      'logs:patterns': () => {
        throw new Error('telemetry store is not open');
      },
    });
    render(<LogsView api={fake.api} />);
    expect(await screen.findByText(/no log file is followed/)).toBeTruthy();
    expect((await screen.findByRole('alert')).textContent).toBe('Could not load patterns: telemetry store is not open');
  });
});
