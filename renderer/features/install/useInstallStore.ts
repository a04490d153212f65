import { create } from 'zustand';
import type { InstallComponentId, InstallProgress, InstallStatus } from '../../../common/install';
import type { Api } from '../../../common/ipc';
import { sharedConnection } from '../../lib/shared-connection';

/** How to get the components: an installer, or (`docker`) containers instead. */
export type InstallSourceChoice = 'auto' | 'brew' | 'release' | 'docker';

/** The install feature's state: what main says is installed, and the live progress of installs under way. */
export interface InstallStore {
  status: InstallStatus | null;
  /** The last progress event per component (a placeholder `resolving` as soon as its install is started). */
  progress: Partial<Record<InstallComponentId, InstallProgress>>;
  /** Components install:start left out, with main's reason (already installed, disabled, under way). */
  skipped: Partial<Record<InstallComponentId, string>>;
  /** An install:start call is in flight. */
  starting: boolean;
  /** "Install everything" was pressed in the onboarding panel: it stays up (also across remounts) until dismissed. */
  onboarding: boolean;
  /** Last failed call, in words; cleared by the next successful call. */
  error: string | null;
  api: Api | null;
  /** Fetch install:status once and follow install:progress; returns the cleanup for a React effect. */
  connect(api: Api): () => void;
  /** Start installs (the missing enabled components when omitted). */
  start(components?: InstallComponentId[], source?: InstallSourceChoice): Promise<void>;
  /** Cancel installs under way (all when omitted). */
  cancel(components?: InstallComponentId[]): Promise<void>;
  refresh(): Promise<void>;
  setOnboarding(on: boolean): void;
  dismissError(): void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A progress event is final once it is `done` or `failed`. */
export const isFinal = (p: InstallProgress | undefined): boolean => p?.phase === 'done' || p?.phase === 'failed';

/** 0..100 from byte counts, else the tool's own percentage; 100 when done; null when nothing says (an indeterminate bar). */
export function percentOf(p: InstallProgress): number | null {
  if (p.phase === 'done') return 100;
  if (p.bytesTotal && p.bytesTotal > 0 && p.bytesDone !== undefined) return Math.min(100, Math.floor((p.bytesDone * 100) / p.bytesTotal));
  if (p.percent !== undefined && Number.isFinite(p.percent)) return Math.max(0, Math.min(100, Math.round(p.percent)));
  return null;
}

export const INSTALL_NAMES: Record<InstallComponentId, string> = {
  prometheus: 'Prometheus',
  alertmanager: 'Alertmanager',
  node_exporter: 'node_exporter',
  grafana: 'Grafana',
  jaeger: 'Jaeger',
};

export const useInstallStore = create<InstallStore>()((set, get) => ({
  status: null,
  progress: {},
  skipped: {},
  starting: false,
  onboarding: false,
  error: null,
  api: null,

  connect: sharedConnection((api) => {
    set({ api });
    let active = true;
    const off = api.on('install:progress', (event) => {
      set({ progress: { ...get().progress, [event.component]: event } });
      // A finished install changes what is installed (and its version); a failed one sets lastFailure.
      if (isFinal(event)) void get().refresh();
    });
    api.install.status().then(
      (status) => active && set({ status }),
      (err: unknown) => active && set({ error: `Could not read what is installed: ${message(err)}` }),
    );
    return () => {
      active = false;
      off();
      if (get().api === api) set({ api: null });
    };
  }),

  async start(components, source) {
    const { api, starting } = get();
    if (!api || starting) return;
    set({ starting: true, error: null });
    try {
      const req: { components?: InstallComponentId[]; source?: InstallSourceChoice } = {};
      if (components) req.components = components;
      if (source) req.source = source;
      const result = await api.install.start(req);
      const progress = { ...get().progress };
      const skipped = { ...get().skipped };
      for (const c of result.started) {
        delete skipped[c];
        // Keep an event that already overtook the answer; otherwise show the install as under way at once.
        if (!progress[c] || isFinal(progress[c])) progress[c] = { component: c, source: source === 'brew' || source === 'docker' ? source : 'release', phase: 'resolving', message: 'Starting…' };
      }
      for (const s of result.skipped) skipped[s.component] = s.reason;
      set({ progress, skipped, starting: false });
    } catch (err) {
      set({ starting: false, error: `Could not start the install: ${message(err)}` });
    }
  },

  async cancel(components) {
    const { api } = get();
    if (!api) return;
    try {
      const status = await api.install.cancel(components ? { components } : {});
      set({ status, error: null });
    } catch (err) {
      set({ error: `Could not cancel the install: ${message(err)}` });
    }
  },

  async refresh() {
    const { api } = get();
    if (!api) return;
    try {
      set({ status: await api.install.status() });
    } catch (err) {
      set({ error: `Could not read what is installed: ${message(err)}` });
    }
  },

  setOnboarding: (onboarding) => set({ onboarding }),
  dismissError: () => set({ error: null }),
}));

/** For tests: back to the state before any connect. */
export function resetInstallStore(): void {
  useInstallStore.setState({ status: null, progress: {}, skipped: {}, starting: false, onboarding: false, error: null, api: null });
}
