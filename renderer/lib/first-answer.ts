import type { StoreApi } from 'zustand';

/**
 * Settles once `answered(store's state)` holds or `waitMs` have passed, whichever comes first. The
 * first render waits on it so it can draw the data instead of a "Loading…" that is replaced a frame
 * later (one render and one paint instead of two), without waiting long on a slow answer.
 */
export function firstAnswer<S>(store: Pick<StoreApi<S>, 'getState' | 'subscribe'>, answered: (state: S) => boolean, waitMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (answered(store.getState())) return resolve();
    const done = () => {
      clearTimeout(timer);
      off();
      resolve();
    };
    const timer = setTimeout(done, waitMs);
    const off = store.subscribe((state) => {
      if (answered(state)) done();
    });
  });
}
