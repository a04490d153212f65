import { create } from 'zustand';
import type { BackupList, BackupSummary, RestoreSummary } from '../../../common/backup';
import type { Api } from '../../../common/ipc';

export type BackupAction = 'create' | 'restore' | 'prune';

/** The backups feature's state: the list in the backups dir and the result of the last action. */
export interface BackupStore {
  list: BackupList | null;
  busy: BackupAction | null;
  error: string | null;
  created: BackupSummary | null;
  restored: RestoreSummary | null;
  pruned: { kept: string[]; deleted: string[] } | null;
  /** Read backup:list (on mount and after each action). */
  load(api: Api): Promise<void>;
  create(api: Api, opts: { includeSecrets: boolean; passphrase?: string }): Promise<boolean>;
  restore(api: Api, id: string, passphrase?: string): Promise<boolean>;
  prune(api: Api, keep: number): Promise<boolean>;
  dismiss(): void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const useBackupStore = create<BackupStore>()((set, get) => {
  async function run<T>(kind: BackupAction, api: Api, call: () => Promise<T>, done: (result: T) => Partial<BackupStore>, what: string): Promise<boolean> {
    if (get().busy) return false;
    set({ busy: kind, error: null, created: null, restored: null, pruned: null });
    try {
      const result = await call();
      set({ busy: null, ...done(result) });
      await get().load(api);
      return true;
    } catch (err) {
      set({ busy: null, error: `${what}: ${message(err)}` });
      await get().load(api);
      return false;
    }
  }

  return {
    list: null,
    busy: null,
    error: null,
    created: null,
    restored: null,
    pruned: null,

    async load(api) {
      try {
        set({ list: await api.backup.list() });
      } catch (err) {
        set({ error: `Could not list the backups: ${message(err)}` });
      }
    },

    create: (api, { includeSecrets, passphrase }) =>
      run('create', api, () => api.backup.create(includeSecrets ? { includeSecrets: true, passphrase } : { includeSecrets: false }), (created) => ({ created }), 'Backup failed'),

    restore: (api, id, passphrase) => run('restore', api, () => api.backup.restore(passphrase ? { id, passphrase } : { id }), (restored) => ({ restored }), 'Restore failed'),

    prune: (api, keep) => run('prune', api, () => api.backup.prune({ keep }), (pruned) => ({ pruned }), 'Prune failed'),

    dismiss: () => set({ error: null, created: null, restored: null, pruned: null }),
  };
});

export function resetBackupStore(): void {
  useBackupStore.setState({ list: null, busy: null, error: null, created: null, restored: null, pruned: null });
}
