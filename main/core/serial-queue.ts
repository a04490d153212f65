/**
 * Runs async tasks one at a time, in the order they were queued. Used where overlapping runs would let
 * an older result land last: settings saves (each must read the file the previous one wrote) and
 * applying settings to the stack (an older render must never replace a newer one).
 */
export interface SerialQueue {
  /** Queue `task`; resolves or rejects with its outcome once every task queued before it has finished. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Resolves when everything queued so far has finished. */
  idle(): Promise<void>;
}

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(task) {
      const result = tail.then(task);
      // A failed task must not block the ones after it; its caller gets the rejection.
      tail = result.catch(() => undefined);
      return result;
    },
    idle: () => tail.then(() => undefined),
  };
}
