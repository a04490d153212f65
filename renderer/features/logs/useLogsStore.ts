import { create } from 'zustand';
import type { Api } from '../../../common/ipc';
import type { LogErrorGroup, LogLevelName, LogLine, LogPattern, LogSearchQuery, LogSearchResult, LogsStatus } from '../../../common/logs';
import { sharedConnection } from '../../lib/shared-connection';

/** Lines kept in the live tail: enough to read what just happened, bounded so a noisy service cannot grow the page. */
export const TAIL_CAPACITY = 200;
/** Lines asked for per search. */
export const SEARCH_LIMIT = 200;
/** An error pattern is "new" when it did not occur in this long before the errors window. */
export const BASELINE_US = 24 * 3_600_000_000;
/** Example lines shown for a pattern that is opened. */
export const PATTERN_EXAMPLES = 20;
/** Errors, patterns and status refresh themselves this often while the view is open (the tail is live anyway). */
export const REFRESH_MS = 30_000;

export const LEVELS: LogLevelName[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export interface LogQuery {
  text: string;
  /** '' for every service. */
  service: string;
  /** '' for every level (lines without a level included). */
  minLevel: LogLevelName | '';
}

/** An error group and whether its pattern is new (absent from the day before the window); null when that could not be told. */
export interface ErrorGroupView extends LogErrorGroup {
  isNew: boolean | null;
}

/** The pattern whose example lines are open, and those lines (null while loading). */
export interface OpenPattern {
  key: string;
  template: string;
  lines: LogLine[] | null;
  error: string | null;
}

export interface LogsStore {
  status: LogsStatus | null;
  statusError: string | null;
  query: LogQuery;
  search: LogSearchResult | null;
  searching: boolean;
  searchError: string | null;
  errors: ErrorGroupView[] | null;
  errorsError: string | null;
  patterns: { patterns: LogPattern[]; fromUs: number; toUs: number; bucketUs: number } | null;
  patternsError: string | null;
  openPattern: OpenPattern | null;
  /** Live tail, newest first (new lines appear at the top without scrolling), at most TAIL_CAPACITY. */
  tail: LogLine[];
  paused: boolean;
  api: Api | null;
  connect(api: Api): () => void;
  setQuery(patch: Partial<LogQuery>): void;
  runSearch(): Promise<void>;
  refresh(): Promise<void>;
  setPaused(paused: boolean): void;
  /** Open a pattern's example lines (logs:search by its template id over the patterns' window), or close them (the open one again, or null). */
  togglePattern(pattern: LogPattern | null): Promise<void>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The request for a query: only the fields that filter. */
export function searchRequest(q: LogQuery): LogSearchQuery {
  const text = q.text.trim();
  return { ...(text ? { text } : {}), ...(q.service ? { service: q.service } : {}), ...(q.minLevel ? { minLevel: q.minLevel } : {}), limit: SEARCH_LIMIT };
}

/** Whether a tail line passes the query, as logs:search would filter it. */
export function matches(line: LogLine, q: LogQuery): boolean {
  if (q.service && line.service !== q.service) return false;
  if (q.minLevel && (line.level === null || LEVELS.indexOf(line.level) < LEVELS.indexOf(q.minLevel))) return false;
  const text = q.text.trim().toLowerCase();
  return !text || line.message.toLowerCase().includes(text);
}

const groupKey = (g: Pick<LogErrorGroup, 'templateId' | 'template'>) => g.templateId ?? `msg:${g.template}`;
/** A pattern's key in the list (and in the open-pattern state). */
export const patternKey = (p: Pick<LogPattern, 'templateId' | 'template'>) => groupKey(p);

/**
 * The search for a pattern's example lines: by template id; a pattern without one (lines the analysis did
 * not see, grouped by their exact message) by its message as text, which may also find longer messages.
 */
export function patternExamplesRequest(p: Pick<LogPattern, 'templateId' | 'template'>, window: { fromUs: number; toUs: number }): LogSearchQuery {
  return { ...(p.templateId ? { templateId: p.templateId } : { text: p.template.slice(0, 500) }), fromUs: window.fromUs, toUs: window.toUs, limit: PATTERN_EXAMPLES };
}

/** The logs feature's store: search, error groups (new or recurring), patterns and the live tail. */
export const useLogsStore = create<LogsStore>()((set, get) => {
  let searchSeq = 0;
  let refreshSeq = 0;
  let patternSeq = 0;

  async function loadStatus(api: Api): Promise<void> {
    try {
      set({ status: await api.logs.status(), statusError: null });
    } catch (err) {
      set({ statusError: `Could not read what is followed: ${message(err)}` });
    }
  }

  async function loadErrors(api: Api, seq: number): Promise<void> {
    try {
      const recent = await api.logs.errors({});
      if (seq !== refreshSeq) return;
      // New or recurring: the same patterns over the day before the window (one more query, counts only).
      let seen: Set<string> | null = null;
      try {
        const before = await api.logs.errors({ fromUs: recent.fromUs - BASELINE_US, toUs: recent.fromUs, limit: 1000, examples: 0 });
        seen = new Set(before.groups.map(groupKey));
      } catch {
        seen = null;
      }
      if (seq !== refreshSeq) return;
      set({ errors: recent.groups.map((g) => ({ ...g, isNew: seen ? !seen.has(groupKey(g)) : null })), errorsError: null });
    } catch (err) {
      if (seq === refreshSeq) set({ errorsError: `Could not load errors: ${message(err)}` });
    }
  }

  async function loadPatterns(api: Api, seq: number): Promise<void> {
    try {
      const patterns = await api.logs.patterns({});
      if (seq === refreshSeq) set({ patterns, patternsError: null });
    } catch (err) {
      if (seq === refreshSeq) set({ patternsError: `Could not load patterns: ${message(err)}` });
    }
  }

  return {
    status: null,
    statusError: null,
    query: { text: '', service: '', minLevel: '' },
    search: null,
    searching: false,
    searchError: null,
    errors: null,
    errorsError: null,
    patterns: null,
    patternsError: null,
    openPattern: null,
    tail: [],
    paused: false,
    api: null,

    connect: sharedConnection((api) => {
      set({ api });
      const off = api.on('logs:tail', ({ lines }) => {
        if (get().paused || !lines.length) return;
        // Each batch comes newest last; the tail shows newest first.
        const next = [...lines.slice(-TAIL_CAPACITY).reverse(), ...get().tail];
        set({ tail: next.length > TAIL_CAPACITY ? next.slice(0, TAIL_CAPACITY) : next });
      });
      void get().refresh();
      void get().runSearch();
      const timer = setInterval(() => void get().refresh(), REFRESH_MS);
      return () => {
        clearInterval(timer);
        off();
        if (get().api === api) set({ api: null });
      };
    }),

    setQuery: (patch) => set((s) => ({ query: { ...s.query, ...patch } })),

    async runSearch() {
      const { api, query } = get();
      if (!api) return;
      const seq = ++searchSeq;
      set({ searching: true, searchError: null });
      try {
        const search = await api.logs.search(searchRequest(query));
        if (seq === searchSeq) set({ search, searching: false });
      } catch (err) {
        if (seq === searchSeq) set({ searching: false, searchError: `Search failed: ${message(err)}` });
      }
    },

    async refresh() {
      const { api } = get();
      if (!api) return;
      const seq = ++refreshSeq;
      await Promise.all([loadStatus(api), loadErrors(api, seq), loadPatterns(api, seq)]);
    },

    setPaused: (paused) => set({ paused }),

    async togglePattern(pattern) {
      const seq = ++patternSeq;
      const { api, patterns, openPattern } = get();
      if (!pattern || !api || !patterns || openPattern?.key === patternKey(pattern)) {
        set({ openPattern: null });
        return;
      }
      const key = patternKey(pattern);
      set({ openPattern: { key, template: pattern.template, lines: null, error: null } });
      try {
        const res = await api.logs.search(patternExamplesRequest(pattern, patterns));
        if (seq === patternSeq) set({ openPattern: { key, template: pattern.template, lines: res.lines, error: null } });
      } catch (err) {
        if (seq === patternSeq) set({ openPattern: { key, template: pattern.template, lines: null, error: `Could not load example lines: ${message(err)}` } });
      }
    },
  };
});
