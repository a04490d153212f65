import { create } from 'zustand';
import type { Api } from '../../../common/ipc';
import type { CollectorStatus, HistoryRange, MachineInfo, MetricsHistory, MetricsSample } from '../../../common/model';
import { sharedConnection } from '../../lib/shared-connection';

/** Live window kept in the renderer: 15 minutes at the 1 s UI interval, like main's ring buffer. */
export const LIVE_CAPACITY = 900;

export type MachineRange = '15m' | HistoryRange;

export interface MachineStore {
  /** Live samples, oldest first. */
  samples: MetricsSample[];
  collectors: CollectorStatus[];
  /** What the machine is (GPU models, or why there is none); null until metrics:get has answered with it. */
  machine: MachineInfo | null;
  range: MachineRange;
  /** Loaded history per range (fetched when the range is chosen, refreshed every time it is chosen again). */
  history: Partial<Record<HistoryRange, MetricsHistory>>;
  loadingHistory: boolean;
  error: string | null;
  api: Api | null;
  connect(api: Api): () => void;
  setRange(range: MachineRange): Promise<void>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The machine feature's store: live samples pushed by main, longer ranges on demand. */
export const useMachineStore = create<MachineStore>()((set, get) => ({
  samples: [],
  collectors: [],
  machine: null,
  range: '15m',
  history: {},
  loadingHistory: false,
  error: null,
  api: null,

  connect: sharedConnection((api) => {
    set({ api });
    let active = true;
    let pushed: MetricsSample[] = [];
    const off = api.on('metrics:sample', (sample) => {
      pushed.push(sample);
      const next = [...get().samples, sample];
      set({ samples: next.length > LIVE_CAPACITY ? next.slice(next.length - LIVE_CAPACITY) : next });
    });
    api.metrics.get().then(
      (snap) => {
        if (!active) return;
        // Samples pushed while the snapshot was in flight are newer than anything in it.
        const newest = snap.samples.at(-1)?.at ?? 0;
        const merged = [...snap.samples, ...pushed.filter((s) => s.at > newest)].slice(-LIVE_CAPACITY);
        pushed = [];
        set({ samples: merged, collectors: snap.collectors, machine: snap.machine ?? null });
      },
      (err: unknown) => active && set({ error: `Could not load metrics: ${message(err)}` }),
    );
    // Collector health changes rarely; refresh it with the slow collectors' cadence.
    const timer = setInterval(() => {
      api.metrics.get().then((snap) => active && set({ collectors: snap.collectors, machine: snap.machine ?? get().machine }), () => {});
    }, 10_000);
    return () => {
      active = false;
      off();
      clearInterval(timer);
      if (get().api === api) set({ api: null });
    };
  }),

  async setRange(range) {
    set({ range });
    const { api } = get();
    if (range === '15m' || !api) return;
    set({ loadingHistory: true });
    try {
      const history = await api.metrics.history({ range });
      set((s) => ({ history: { ...s.history, [range]: history }, loadingHistory: false }));
    } catch (err) {
      set({ loadingHistory: false, error: `Could not load ${range} of history: ${message(err)}` });
    }
  },
}));

/** The samples the chosen range shows. */
export function visibleSamples(s: Pick<MachineStore, 'range' | 'samples' | 'history'>): MetricsSample[] {
  return s.range === '15m' ? s.samples : (s.history[s.range]?.samples ?? []);
}
