import { createHash } from 'node:crypto';
import { COMPONENT_IDS, type ComponentId } from '../../../common/model';
import type { Paths } from '../paths';
import type { Settings } from '../settings/schema';
import { composeFiles } from '../runtime/compose-render';
import { CATALOG } from './catalog';
import type { RenderedFile } from './component-spec';

/**
 * Render every config file of the stack from settings: each component's own render, in catalog order, and
 * the compose project when some component runs in Docker. Pure.
 */
export function renderStack(settings: Settings, paths: Paths): RenderedFile[] {
  const byComponent = Object.fromEntries(COMPONENT_IDS.map((id) => [id, CATALOG[id].render(settings, paths)])) as Record<ComponentId, RenderedFile[]>;
  return [...COMPONENT_IDS.flatMap((id) => byComponent[id]), ...composeFiles(settings, paths, byComponent)];
}

/** Which component reads a rendered file (from the catalog's configFiles; "rules" covers rules/*). */
export function componentOf(file: string): ComponentId | null {
  const top = file.split('/')[0];
  for (const spec of Object.values(CATALOG)) if (spec.configFiles.some((f) => f === file || f === top)) return spec.id;
  return null;
}

/** A stable digest of a set of rendered files, independent of their order. */
export function renderedHash(files: RenderedFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) h.update(`${f.path}\0${f.content}\0`);
  return h.digest('hex');
}
