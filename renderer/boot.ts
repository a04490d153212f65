/**
 * The page's first module (main.tsx imports it before anything else): it resolves the api and connects
 * the stores of the first screen (stack and alerts), so their data is on its way, or already here, while
 * react-dom, most of the bundle, is still being evaluated. The connections last as long as the page.
 */
import { resolveApi } from './api';
import { firstAnswer } from './lib/first-answer';
import { useAlertsStore } from './features/alerts/useAlertsStore';
import { useStackStore } from './features/stack/useStackStore';

// Resolved once: taking the token rewrites the URL, which must not repeat.
export const resolution = resolveApi();

if (resolution.kind === 'ready') {
  useStackStore.getState().connect(resolution.api);
  useAlertsStore.getState().connect(resolution.api);
}

/**
 * The first render waits for the stack's answer (a snapshot or an error), at most this long: the answer is
 * usually in before react-dom has been evaluated, and a slower one gets "Loading…" at once after the wait.
 */
const FIRST_RENDER_WAIT_MS = 150;
export const firstStack =
  resolution.kind === 'ready' ? firstAnswer(useStackStore, (s) => s.snapshot !== null || s.error !== null, FIRST_RENDER_WAIT_MS) : Promise.resolve();
