import { create } from 'zustand';
import { fieldPath } from '../../../common/field-path';
import type { Api } from '../../../common/ipc';
import type { SettingsChange, SettingsDocument } from '../../../common/model';
import { sharedConnection } from '../../lib/shared-connection';

export interface SettingsStore {
  settings: SettingsDocument | null;
  /** Why the file on disk is not in force (shown as a banner), or null. */
  fileError: string | null;
  file: string | null;
  /** Validation problems by dotted field path, shown beside the field. */
  issues: Record<string, string>;
  /** Forget the refusal beside a field (its draft went back to the value in force). */
  dismissIssue(key: string): void;
  /** Dotted path of the field last saved successfully (for a brief confirmation). */
  saved: string | null;
  error: string | null;
  api: Api | null;
  connect(api: Api): () => void;
  /** Save edits; returns true when they were applied. */
  save(changes: SettingsChange[]): Promise<boolean>;
}

/** Issues and saves are keyed by the same dotted path main uses in its messages. */
export const pathKey = fieldPath;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The settings feature's store: the document in force, and per-field issues from the last save. */
export const useSettingsStore = create<SettingsStore>()((set, get) => ({
  settings: null,
  fileError: null,
  file: null,
  issues: {},
  dismissIssue: (key) => {
    if (!(key in get().issues)) return;
    const { [key]: _dismissed, ...rest } = get().issues;
    set({ issues: rest });
  },
  saved: null,
  error: null,
  api: null,

  connect: sharedConnection((api) => {
    set({ api });
    let active = true;
    const off = api.on('settings:changed', (view) => set({ settings: view.settings, fileError: view.error, file: view.file }));
    api.settings.get().then(
      (view) => active && set({ settings: view.settings, fileError: view.error, file: view.file }),
      (err: unknown) => active && set({ error: `Could not load settings: ${message(err)}` }),
    );
    return () => {
      active = false;
      off();
      if (get().api === api) set({ api: null });
    };
  }),

  async save(changes) {
    const { api } = get();
    if (!api) return false;
    const keys = changes.map((c) => pathKey(c.path));
    try {
      const result = await api.settings.update({ changes });
      if (result.ok) {
        const issues = { ...get().issues };
        for (const k of keys) delete issues[k];
        set({ settings: result.settings, issues, saved: keys[0] ?? null, fileError: null, error: null });
        return true;
      }
      const issues = { ...get().issues };
      for (const k of keys) delete issues[k];
      // An issue elsewhere (a cross-field rule, such as two listeners on one port) is shown beside the edited
      // field, so it is never lost, and names the field it is about.
      for (const issue of result.issues) {
        const edited = keys[0];
        if (keys.includes(issue.path) || !edited) issues[issue.path] = issue.message;
        // Inside the value sent (a new service's url): named relative to it.
        else if (issue.path.startsWith(`${edited}.`)) issues[edited] = `${issue.path.slice(edited.length + 1)}: ${issue.message}`;
        else issues[edited] = `${issue.path}: ${issue.message}`;
      }
      set({ issues, saved: null });
      return false;
    } catch (err) {
      set({ error: `Could not save settings: ${message(err)}` });
      return false;
    }
  },
}));

/** Read a value from the settings document by path. */
export function valueAt(doc: SettingsDocument | null, path: ReadonlyArray<string | number>): unknown {
  let node: unknown = doc;
  for (const p of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[p];
  }
  return node;
}
