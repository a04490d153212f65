import { readFile } from 'node:fs/promises';
import { fieldPath } from '../../../common/field-path';
import type { FieldIssue, SettingsChange, SettingsUpdateResult } from '../../../common/model';
import { writeFileAtomic } from '../atomic-write';
import type { Paths } from '../paths';
import { createSerialQueue } from '../serial-queue';
import { settingsSchema, type Settings } from './schema';

/** Path segments that would reach an object's prototype instead of a settings field. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/** settings.json could not be read or written; the message names the file and the system's reason. */
export class SettingsFileError extends Error {
  override readonly name = 'SettingsFileError';
  readonly code = 'io_error';
}

export interface SettingsEditor {
  /**
   * Apply edits from the settings UI. The edits land on the document as the user wrote it (so a short
   * hand-written file stays short), the result is validated as a whole, and the file is replaced
   * atomically only when valid; the settings watcher then applies it like any other save.
   * `fallback` is used when the file on disk is not even JSON. Throws SettingsFileError when the file
   * cannot be written (nothing is left behind).
   */
  update(changes: SettingsChange[], fallback: Settings): Promise<SettingsUpdateResult>;
}

/**
 * Saves are serialised: each one reads the file the previous one wrote, so concurrent saves of
 * different fields all land, and an accepted change is never overwritten by a save that started
 * from an older copy of the file.
 */
export function createSettingsEditor(paths: Pick<Paths, 'settings'>): SettingsEditor {
  const queue = createSerialQueue();
  return {
    update: (changes, fallback) => queue.run(() => updateSettingsFile(paths, changes, fallback)),
  };
}

/** One read-edit-validate-write of settings.json; callers that can overlap go through createSettingsEditor. */
export async function updateSettingsFile(paths: Pick<Paths, 'settings'>, changes: SettingsChange[], fallback: Settings): Promise<SettingsUpdateResult> {
  const doc = await readDocument(paths.settings, fallback);
  const issues: FieldIssue[] = [];
  for (const change of changes) {
    const problem = setAt(doc, change.path, change.value);
    if (problem) issues.push({ path: fieldPath(change.path), message: problem });
  }
  if (issues.length) return { ok: false, issues };

  const parsed = settingsSchema.safeParse(doc);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => ({ path: fieldPath(i.path), message: i.message })) };
  }
  try {
    await writeFileAtomic(paths.settings, `${JSON.stringify(doc, null, 2)}\n`);
  } catch (err) {
    throw new SettingsFileError(`cannot save ${paths.settings}: ${(err as Error).message}`, { cause: err });
  }
  return { ok: true, settings: parsed.data };
}

async function readDocument(file: string, fallback: Settings): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(fallback) as unknown as Record<string, unknown>;
    throw new SettingsFileError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // not JSON: start from the settings in force
  }
  return structuredClone(fallback) as unknown as Record<string, unknown>;
}

/** Set a value at a path, creating objects on the way; returns a problem in words, or null. */
function setAt(doc: Record<string, unknown>, path: ReadonlyArray<string | number>, value: unknown): string | null {
  if (!path.length) return 'an empty path names no field';
  if (path.some((p) => typeof p === 'string' && FORBIDDEN.has(p))) return 'not a settings field';
  let node: Record<string | number, unknown> = doc;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const next = node[key];
    if (next === undefined || next === null) {
      const created: Record<string, unknown> | unknown[] = typeof path[i + 1] === 'number' ? [] : {};
      node[key] = created;
      node = created as Record<string | number, unknown>;
    } else if (typeof next === 'object') {
      node = next as Record<string | number, unknown>;
    } else {
      return `${fieldPath(path.slice(0, i + 1))} is not an object`;
    }
  }
  const last = path[path.length - 1]!;
  // `undefined` (a change without a value) removes the field, so the default applies again.
  if (value === undefined) {
    if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
    else delete node[last];
  } else {
    node[last] = value;
  }
  return null;
}
