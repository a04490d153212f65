/**
 * Hash routes: `#/` is the overview, `#/alerts`, `#/machine`, `#/settings`, `#/traces/<traceId>`. The
 * hash is the renderer's own business (the Electron IPC gate ignores it), so the Settings window loads
 * the same page at `#/settings` and browser mode keeps the view across a reload.
 */
import { useSyncExternalStore } from 'react';
import type { UiSection } from '../../common/model';

export interface Route {
  /** The view id: '' for the overview. */
  view: string;
  /** What follows the view id (a trace id), or null. */
  param: string | null;
}

/** Parse a location hash. `#token=…` (browser mode's first URL) and anything unknown read as the overview. */
export function parseRoute(hash: string): Route {
  const m = /^#\/([^/?#]*)(?:\/([^?#]*))?/.exec(hash);
  if (!m) return { view: '', param: null };
  const param = m[2] ? safeDecode(m[2]) : null;
  return { view: safeDecode(m[1] ?? ''), param: param || null };
}

export function routeHash(view: string, param?: string | null): string {
  return `#/${view}${param ? `/${encodeURIComponent(param)}` : ''}`;
}

export function navigate(view: string, param?: string | null): void {
  const next = routeHash(view, param);
  if (location.hash !== next) location.hash = next;
}

/** The view the tray's 'app:focus' section names (its `stack` is the overview). */
export function sectionView(section: UiSection): string {
  return section === 'stack' ? '' : section;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

const currentHash = () => location.hash;

/** The current route, following hash changes (back/forward, links, navigate()). */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, currentHash, () => '');
  return parseRoute(hash);
}
