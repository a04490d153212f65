import { buildApi, type Api, type Channel, type EventMap, type EventName } from '../../common/ipc';

/**
 * A fake of main behind the typed `api` object, for store and view tests: answers each channel from
 * a handler the test gives, and lets the test push events. It is the same `buildApi` the preload and
 * the HTTP client use, so views see exactly the object they get in the app.
 */
export function fakeApi(handlers: Partial<Record<Channel, (req: unknown) => unknown>>) {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const calls: Array<{ channel: Channel; req: unknown }> = [];
  const api: Api = buildApi(
    async (channel, req) => {
      calls.push({ channel, req });
      const handler = handlers[channel];
      if (!handler) throw new Error(`fake api: no handler for ${channel}`);
      return handler(req);
    },
    (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  );
  return {
    api,
    calls,
    emit<E extends EventName>(event: E, payload: EventMap[E]) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    listenerCount: (event: EventName) => listeners.get(event)?.size ?? 0,
  };
}
