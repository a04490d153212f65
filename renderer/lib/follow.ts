import type { Api, EventMap, EventName } from '../../common/ipc';

/**
 * How a store follows one pushed value: subscribe first, then fetch once. A push that overtakes the
 * fetch is the newer value, so the fetched one is then dropped. Returns the unsubscribe function.
 */
export function follow<E extends EventName>(
  api: Api,
  event: E,
  fetch: () => Promise<EventMap[E]>,
  onValue: (value: EventMap[E]) => void,
  onError: (err: unknown) => void,
): () => void {
  let active = true;
  let pushed = false;
  const off = api.on(event, (value) => {
    pushed = true;
    onValue(value);
  });
  fetch().then(
    (value) => {
      if (active && !pushed) onValue(value);
    },
    (err: unknown) => {
      if (active) onError(err);
    },
  );
  return () => {
    active = false;
    off();
  };
}
