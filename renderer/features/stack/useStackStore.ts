import { create } from 'zustand';
import type { Api } from '../../../common/ipc';
import type { ComponentId, StackSnapshot } from '../../../common/model';
import { follow } from '../../lib/follow';
import { sharedConnection } from '../../lib/shared-connection';

/** The command in flight; the UI disables buttons while one runs. `components` undefined = whole stack. */
export interface PendingAction {
  kind: 'start' | 'stop' | 'restart';
  components?: ComponentId[];
}

/** The stack feature's state: the last snapshot main pushed, plus what this window is doing. */
export interface StackStore {
  snapshot: StackSnapshot | null;
  pending: PendingAction | null;
  /** Last failed call (load, start, stop), in words; cleared by the next successful call. */
  error: string | null;
  api: Api | null;
  /** Fetch the snapshot once, then follow `stack:changed`; returns the cleanup for a React effect. */
  connect(api: Api): () => void;
  start(components?: ComponentId[]): Promise<void>;
  stop(components?: ComponentId[]): Promise<void>;
  restart(components: ComponentId[]): Promise<void>;
  dismissError(): void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** One store per feature; this one knows only the stack. */
export const useStackStore = create<StackStore>()((set, get) => {
  async function run(kind: PendingAction['kind'], components?: ComponentId[]): Promise<void> {
    const { api, pending } = get();
    if (!api || pending) return;
    set({ pending: { kind, components }, error: null });
    try {
      const req = components ? { components } : {};
      const snapshot = await (kind === 'start' ? api.stack.start(req) : kind === 'stop' ? api.stack.stop(req) : api.stack.restart({ components: components ?? [] }));
      set({ snapshot, pending: null });
    } catch (err) {
      set({ pending: null, error: `Could not ${kind} ${components?.join(', ') ?? 'the stack'}: ${message(err)}` });
    }
  }

  return {
    snapshot: null,
    pending: null,
    error: null,
    api: null,

    connect: sharedConnection((api) => {
      set({ api });
      const off = follow(
        api,
        'stack:changed',
        () => api.stack.get(),
        (snapshot) => {
          // The benchmark splits the first render at the data's arrival (a no-op cost otherwise).
          if (get().snapshot === null) performance.mark('lookout:stack-data');
          set({ snapshot });
        },
        (err) => set({ error: `Could not load the stack: ${message(err)}` }),
      );
      return () => {
        off();
        if (get().api === api) set({ api: null });
      };
    }),

    start: (components) => run('start', components),
    stop: (components) => run('stop', components),
    restart: (components) => run('restart', components),
    dismissError: () => set({ error: null }),
  };
});
