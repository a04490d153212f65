/** The Logs view's patterns: a sparkline per pattern, click → its example lines (logs:search by template id) → their traces. */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogLine, LogPattern, LogSearchQuery } from '../../../common/logs';
import { fakeApi } from '../../../test/fakes/fake-api';
import { bucketWidth, LogsView } from './LogsView';
import { PATTERN_EXAMPLES, patternExamplesRequest, useLogsStore } from './useLogsStore';

/** A log line's trace link reads "Trace <first 8>" and carries the rest of the id for screen readers. */
const traceLinkName = (id: string) => new RegExp(`^Trace ${id.slice(0, 8)}\\s?${id.slice(8)}$`);

const NOW = Date.UTC(2026, 0, 5, 12) * 1000;
const HOUR = 3_600_000_000;
const TRACE_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const TRACE_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

const line = (patch: Partial<LogLine> = {}): LogLine => ({
  timeUs: NOW - 1_000_000,
  service: 'llm',
  source: 'file',
  origin: '/var/log/llm.log',
  level: 'error',
  message: 'memory unreachable: ECONNREFUSED',
  traceId: null,
  spanId: null,
  attributes: {},
  templateId: 'p1',
  template: 'memory unreachable: <*>',
  durationMs: null,
  route: null,
  ...patch,
});
const PATTERNS: LogPattern[] = [
  { templateId: 'p1', template: 'memory unreachable: <*>', count: 6, maxLevel: 'error', counts: [0, 1, 5] },
  { templateId: 'p2', template: 'generated <*> tokens', count: 40, maxLevel: 'info', counts: [10, 20, 10] },
  { templateId: null, template: 'plain message without a template', count: 2, maxLevel: null, counts: [2, 0, 0] },
];
const EXAMPLES: Record<string, LogLine[]> = {
  p1: [line({ message: 'memory unreachable: ECONNREFUSED', traceId: TRACE_A }), line({ message: 'memory unreachable: timeout', timeUs: NOW - 2_000_000 })],
  p2: [line({ templateId: 'p2', template: 'generated <*> tokens', level: 'info', message: 'generated 7 tokens', traceId: TRACE_B })],
};

function makeApi(search?: (req: LogSearchQuery) => unknown) {
  return fakeApi({
    'logs:status': () => ({ enabled: true, files: [], ship: [], problems: [] }),
    'logs:errors': () => ({ groups: [], fromUs: NOW - HOUR, toUs: NOW }),
    'logs:patterns': () => ({ patterns: PATTERNS, fromUs: NOW - HOUR, toUs: NOW, bucketUs: HOUR / 3 }),
    'logs:search': (req) => {
      const q = req as LogSearchQuery;
      if (search) return search(q);
      if (q.templateId) return { lines: EXAMPLES[q.templateId] ?? [], fromUs: q.fromUs!, toUs: q.toUs! };
      return { lines: [], fromUs: NOW - HOUR, toUs: NOW };
    },
  });
}
const searches = (fake: ReturnType<typeof fakeApi>) => fake.calls.filter((c) => c.channel === 'logs:search').map((c) => c.req as LogSearchQuery);
const patternItem = async (template: string) => within(await screen.findByRole('list', { name: 'Log patterns' })).getByRole('listitem', { name: template });

beforeEach(() =>
  useLogsStore.setState({
    status: null, statusError: null, query: { text: '', service: '', minLevel: '' }, search: null, searching: false, searchError: null,
    errors: null, errorsError: null, patterns: null, patternsError: null, openPattern: null, tail: [], paused: false, api: null,
  }),
);
afterEach(cleanup);

describe('Logs view: patterns', () => {
  it('draws a sparkline per pattern, labelled with the bucket width and its peak', async () => {
    render(<LogsView api={makeApi().api} />);
    const item = await patternItem('memory unreachable: <*>');
    expect(within(item).getByRole('img', { name: 'Lines per 20 min of memory unreachable: <*>: at most 5' })).toBeTruthy();
    expect(within(item).getByText('6 lines')).toBeTruthy();
    expect(within(await patternItem('generated <*> tokens')).getByRole('img', { name: 'Lines per 20 min of generated <*> tokens: at most 20' })).toBeTruthy();
    expect(screen.getAllByRole('img', { name: /^Lines per / })).toHaveLength(PATTERNS.length);
  });

  it("clicking a pattern lists its example lines from logs:search by template id over the patterns' window, each trace id linking to #/traces/<id>", async () => {
    const fake = makeApi();
    render(<LogsView api={fake.api} />);
    const item = await patternItem('memory unreachable: <*>');
    const toggle = within(item).getByRole('button', { name: 'Example lines of memory unreachable: <*>' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(within(item).queryByRole('list')).toBeNull();

    fireEvent.click(toggle);
    const examples = await within(item).findByRole('list', { name: 'Example lines of memory unreachable: <*>' });
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(searches(fake).at(-1)).toEqual({ templateId: 'p1', fromUs: NOW - HOUR, toUs: NOW, limit: PATTERN_EXAMPLES });
    const rows = within(examples).getAllByRole('listitem');
    expect(rows.map((r) => r.querySelector('.log-message')!.textContent)).toEqual(['memory unreachable: ECONNREFUSED', 'memory unreachable: timeout']);
    expect(within(rows[0]!).getByRole('link', { name: traceLinkName(TRACE_A) }).getAttribute('href')).toBe(`#/traces/${TRACE_A}`);
    expect(within(rows[1]!).queryByRole('link')).toBeNull();

    // Another pattern replaces it; clicking the open one again closes it.
    const other = await patternItem('generated <*> tokens');
    fireEvent.click(within(other).getByRole('button', { name: 'Example lines of generated <*> tokens' }));
    const otherExamples = await within(other).findByRole('list', { name: 'Example lines of generated <*> tokens' });
    expect(within(otherExamples).getByRole('link', { name: traceLinkName(TRACE_B) }).getAttribute('href')).toBe(`#/traces/${TRACE_B}`);
    expect(within(item).queryByRole('list')).toBeNull();
    fireEvent.click(within(other).getByRole('button', { name: 'Example lines of generated <*> tokens' }));
    await waitFor(() => expect(within(other).queryByRole('list')).toBeNull());
  });

  it('a pattern without a template id is searched by its message; none stored says so', async () => {
    const fake = makeApi();
    render(<LogsView api={fake.api} />);
    const item = await patternItem('plain message without a template');
    fireEvent.click(within(item).getByRole('button', { name: 'Example lines of plain message without a template' }));
    expect(await within(item).findByText(/No stored line of this pattern/)).toBeTruthy();
    expect(searches(fake).at(-1)).toEqual({ text: 'plain message without a template', fromUs: NOW - HOUR, toUs: NOW, limit: PATTERN_EXAMPLES });
  });

  it('a failed search shows inline in the pattern, and a late answer for a pattern closed since is dropped', async () => {
    let release: (v: unknown) => void = () => {};
    const fake = makeApi((q) => {
      if (q.templateId === 'p1') return new Promise((r) => (release = r));
      if (q.templateId === 'p2') throw new Error('telemetry store is not open');
      return { lines: [], fromUs: NOW - HOUR, toUs: NOW };
    });
    render(<LogsView api={fake.api} />);
    const slow = await patternItem('memory unreachable: <*>');
    fireEvent.click(within(slow).getByRole('button', { name: 'Example lines of memory unreachable: <*>' }));
    expect(await within(slow).findByText('Loading example lines…')).toBeTruthy();
    const failing = await patternItem('generated <*> tokens');
    fireEvent.click(within(failing).getByRole('button', { name: 'Example lines of generated <*> tokens' }));
    expect((await within(failing).findByRole('alert')).textContent).toBe('Could not load example lines: telemetry store is not open');
    release({ lines: EXAMPLES.p1, fromUs: NOW - HOUR, toUs: NOW });
    await new Promise((r) => setTimeout(r, 20));
    expect(within(slow).queryByRole('list')).toBeNull();
    expect(useLogsStore.getState().openPattern?.key).toBe('p2');
  });
});

describe('pattern helpers', () => {
  it('patternExamplesRequest asks by template id, else by message text (capped to what the contract takes)', () => {
    const w = { fromUs: 1, toUs: 2 };
    expect(patternExamplesRequest({ templateId: 'x', template: 'a <*>' }, w)).toEqual({ templateId: 'x', fromUs: 1, toUs: 2, limit: PATTERN_EXAMPLES });
    expect(patternExamplesRequest({ templateId: null, template: 'y'.repeat(600) }, w).text).toHaveLength(500);
  });
  it('bucketWidth names the sparkline interval', () => {
    expect(bucketWidth(2_000_000)).toBe('2 s');
    expect(bucketWidth(120_000_000)).toBe('2 min');
    expect(bucketWidth(HOUR / 3)).toBe('20 min');
    expect(bucketWidth(2 * HOUR)).toBe('2 h');
  });
});
