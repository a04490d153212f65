import { create } from 'zustand';
import type { CheckResult, RemoteWriteStatusReport } from '../../../common/backup';
import type { Api } from '../../../common/ipc';

export interface LockdownStatus {
  enabled: boolean;
  checks: CheckResult[];
}

/** The security feature's state: lock-down's checks and the remote-write targets, each as main last reported it. */
export interface SecurityStore {
  lockdown: LockdownStatus | null;
  lockdownError: string | null;
  remoteWrite: RemoteWriteStatusReport | null;
  remoteWriteError: string | null;
  loadLockdown(api: Api): Promise<void>;
  loadRemoteWrite(api: Api): Promise<void>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const useSecurityStore = create<SecurityStore>()((set) => ({
  lockdown: null,
  lockdownError: null,
  remoteWrite: null,
  remoteWriteError: null,

  async loadLockdown(api) {
    try {
      set({ lockdown: await api.lockdown.status(), lockdownError: null });
    } catch (err) {
      set({ lockdownError: `Could not check the lock-down: ${message(err)}` });
    }
  },

  async loadRemoteWrite(api) {
    try {
      set({ remoteWrite: await api.remoteWrite.status(), remoteWriteError: null });
    } catch (err) {
      set({ remoteWriteError: `Could not read the remote-write status: ${message(err)}` });
    }
  },
}));

export function resetSecurityStore(): void {
  useSecurityStore.setState({ lockdown: null, lockdownError: null, remoteWrite: null, remoteWriteError: null });
}

/** Locked only when the setting is on and no component's check failed (one not running yet is not a failure). */
export function isLocked(status: LockdownStatus): boolean {
  return status.enabled && status.checks.every((c) => c.ok);
}
