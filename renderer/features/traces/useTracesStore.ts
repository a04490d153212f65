import { create } from 'zustand';
import type { Api } from '../../../common/ipc';
import type { StackSnapshot } from '../../../common/model';
import type { TraceDetail, TraceList, TraceListQuery, TraceSummary } from '../../../common/traces';
import { follow } from '../../lib/follow';
import { sharedConnection } from '../../lib/shared-connection';
import type { TraceWindow } from './route';

export interface TraceFilters {
  /** '' for every service. */
  service: string;
  errorsOnly: boolean;
  /** Only traces at least this long, in ms; null for no minimum. Applied here: traces:list has no such filter. */
  minDurationMs: number | null;
  /** A fixed window (an alert's, from its traces link); null for the last hour. */
  window: TraceWindow | null;
}

/** Where the OTLP receiver listens, for the empty state; from settings.traces.receiver. */
export interface Receiver {
  enabled: boolean;
  /** http://127.0.0.1:<port> */
  endpoint: string;
}

export interface TracesStore {
  filters: TraceFilters;
  list: TraceList | null;
  loadingList: boolean;
  listError: string | null;
  /** Every service seen in a list so far, sorted: the service filter's choices. */
  knownServices: string[];
  selectedId: string | null;
  /** The selected trace; null while loading, on error, or when the store does not have it. */
  detail: TraceDetail | null;
  loadingDetail: boolean;
  detailError: string | null;
  /** traces:get answered that the store has no such trace. */
  notFound: boolean;
  /** …and it is asked again: a trace is written only once its spans stop arriving (see NOT_FOUND_RETRY_MS). */
  stillLooking: boolean;
  /** Jaeger's UI when the jaeger component is running (stack snapshot), else null. */
  jaegerUrl: string | null;
  /** null until settings were read. */
  receiver: Receiver | null;
  api: Api | null;
  connect(api: Api): () => void;
  setFilters(patch: Partial<TraceFilters>): Promise<void>;
  /** The view opens: apply the filters its route names (if any) and load the list afresh. */
  open(route?: Partial<TraceFilters>): Promise<void>;
  loadList(): Promise<void>;
  select(traceId: string | null): Promise<void>;
}

/** Traces asked for per list: the store's default is 50; a few more leave room for the duration filter. */
export const LIST_LIMIT = 100;
const DEFAULT_RECEIVER_PORT = 4318;
/** The list refreshes itself this often while the view is open (new traces are decided within seconds). */
export const REFRESH_MS = 15_000;
/**
 * A trace is written to the store only once its spans have stopped arriving (the tail sampler's decision
 * wait, at most its max wait: 30 s by default), so one linked from a log line just written is often not
 * there yet: it is asked for again this often, this many times, before the view says it is not kept.
 */
export const NOT_FOUND_RETRY_MS = 2_000;
export const NOT_FOUND_RETRIES = 15;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The request for a filter: only the fields that filter, so the store's defaults apply to the rest. */
export function listRequest(f: TraceFilters): TraceListQuery {
  return {
    ...(f.service ? { service: f.service } : {}),
    ...(f.errorsOnly ? { errorsOnly: true } : {}),
    ...(f.window ? { fromUs: f.window.fromUs, ...(f.window.toUs !== undefined ? { toUs: f.window.toUs } : {}) } : {}),
    limit: LIST_LIMIT,
  };
}

/** The rows shown: the list as the store ordered it (errors first, then newest), minus those under the minimum duration. */
export function visibleTraces(list: TraceList | null, f: TraceFilters): TraceSummary[] {
  if (!list) return [];
  const minUs = f.minDurationMs === null ? 0 : f.minDurationMs * 1000;
  return list.traces.filter((t) => t.durationUs >= minUs);
}

function jaegerOf(snap: StackSnapshot): string | null {
  const j = snap.components.find((c) => c.id === 'jaeger');
  return j && j.state === 'running' ? j.url.replace(/\/+$/, '') : null;
}

/** settings.traces.receiver from the settings document (untyped on this side of the contract). */
function receiverOf(settings: Record<string, unknown>): Receiver {
  const traces = (settings.traces ?? {}) as { receiver?: { enabled?: unknown; port?: unknown } };
  const r = traces.receiver ?? {};
  const port = typeof r.port === 'number' ? r.port : DEFAULT_RECEIVER_PORT;
  return { enabled: r.enabled !== false, endpoint: `http://127.0.0.1:${port}` };
}

const INITIAL_FILTERS: TraceFilters = { service: '', errorsOnly: false, minDurationMs: null, window: null };

/** The traces feature's store: a filtered list, one selected trace, and what the views link to. */
export const useTracesStore = create<TracesStore>()((set, get) => {
  // Answers to older requests are dropped: only the latest list and the latest selection count.
  let listSeq = 0;
  let detailSeq = 0;
  return {
    filters: INITIAL_FILTERS,
    list: null,
    loadingList: false,
    listError: null,
    knownServices: [],
    selectedId: null,
    detail: null,
    loadingDetail: false,
    detailError: null,
    notFound: false,
    stillLooking: false,
    jaegerUrl: null,
    receiver: null,
    api: null,

    connect: sharedConnection((api) => {
      set({ api });
      // Neither is needed to list traces: when one cannot be read the view just offers less.
      const offStack = follow(api, 'stack:changed', () => api.stack.get(), (snap) => set({ jaegerUrl: jaegerOf(snap) }), () => set({ jaegerUrl: null }));
      const offSettings = follow(
        api,
        'settings:changed',
        () => api.settings.get(),
        (view) => set({ receiver: receiverOf(view.settings) }),
        () => set({ receiver: { enabled: true, endpoint: `http://127.0.0.1:${DEFAULT_RECEIVER_PORT}` } }),
      );
      const timer = setInterval(() => void get().loadList(), REFRESH_MS);
      return () => {
        clearInterval(timer);
        offStack();
        offSettings();
        if (get().api === api) set({ api: null });
      };
    }),

    async setFilters(patch) {
      const before = get().filters;
      const filters = { ...before, ...patch };
      set({ filters });
      // The minimum duration is applied to the list already loaded: no new request.
      if (filters.service !== before.service || filters.errorsOnly !== before.errorsOnly || filters.window !== before.window || !get().list) await get().loadList();
    },

    async open(route) {
      if (route && Object.keys(route).length) set((s) => ({ filters: { ...s.filters, ...route } }));
      await get().loadList();
    },

    async loadList() {
      const { api, filters } = get();
      if (!api) return;
      const seq = ++listSeq;
      set({ loadingList: true, listError: null });
      try {
        const list = await api.traces.list(listRequest(filters));
        if (seq !== listSeq) return;
        const known = new Set(get().knownServices);
        for (const t of list.traces) for (const s of t.services) known.add(s);
        set({ list, loadingList: false, knownServices: [...known].sort() });
      } catch (err) {
        if (seq === listSeq) set({ loadingList: false, listError: `Could not load traces: ${message(err)}` });
      }
    },

    async select(traceId) {
      const id = traceId?.trim().toLowerCase() || null;
      const { api, selectedId, detail, loadingDetail } = get();
      // The same trace again (a row clicked, then the hash route it set): keep what is loaded or loading.
      if (id && id === selectedId && (loadingDetail || detail?.summary.traceId === id)) return;
      const seq = ++detailSeq;
      set({ selectedId: id, detail: null, detailError: null, notFound: false, stillLooking: false, loadingDetail: id !== null && api !== null });
      if (!id || !api) return;
      try {
        for (let attempt = 0; ; attempt++) {
          const { trace } = await api.traces.get({ traceId: id });
          if (seq !== detailSeq) return;
          const again = trace === null && attempt < NOT_FOUND_RETRIES;
          set({ detail: trace, notFound: trace === null, stillLooking: again, loadingDetail: false });
          if (!again) return;
          await new Promise((resolve) => setTimeout(resolve, NOT_FOUND_RETRY_MS));
          // Another trace selected, or the view closed, meanwhile.
          if (seq !== detailSeq) return;
        }
      } catch (err) {
        if (seq === detailSeq) set({ loadingDetail: false, detailError: `Could not load trace ${id}: ${message(err)}` });
      }
    },
  };
});
