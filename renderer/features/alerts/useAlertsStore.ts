import { create } from 'zustand';
import type { Api } from '../../../common/ipc';
import type { AlertsSnapshot } from '../../../common/model';
import { follow } from '../../lib/follow';
import { sharedConnection } from '../../lib/shared-connection';

export interface AlertsStore {
  snapshot: AlertsSnapshot | null;
  /** Alert or silence id with a request in flight. */
  pending: string | null;
  error: string | null;
  api: Api | null;
  connect(api: Api): () => void;
  ack(id: string): Promise<void>;
  snooze(id: string, duration: string): Promise<void>;
  undo(silenceId: string): Promise<void>;
  dismissError(): void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The alerts feature's store: the last pushed list, and ack / snooze / undo as small calls. */
export const useAlertsStore = create<AlertsStore>()((set, get) => {
  async function run(id: string, call: (api: Api) => Promise<AlertsSnapshot>): Promise<void> {
    const { api } = get();
    if (!api) return;
    set({ pending: id, error: null });
    try {
      set({ snapshot: await call(api) });
    } catch (err) {
      set({ error: message(err) });
    } finally {
      set({ pending: null });
    }
  }
  return {
    snapshot: null,
    pending: null,
    error: null,
    api: null,

    connect: sharedConnection((api) => {
      set({ api });
      return follow(
        api,
        'alerts:changed',
        () => api.alerts.get(),
        (snapshot) => {
          received(snapshot);
          set({ snapshot });
        },
        (err) => set({ error: `Could not load alerts: ${message(err)}` }),
      );
    }),
    ack: (id) => run(id, async (api) => (await api.alerts.ack({ id })).alerts),
    snooze: (id, duration) => run(id, async (api) => (await api.alerts.snooze({ id, duration })).alerts),
    undo: (silenceId) => run(silenceId, (api) => api.silences.delete({ id: silenceId })),
    dismissError: () => set({ error: null }),
  };
});

/** Marks when a list arrives, so the benchmark can time arrival to render (AlertsView marks the render). */
function received(snapshot: AlertsSnapshot): void {
  performance.mark('lookout:alerts-data', { detail: snapshot.alerts.length });
}
