import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { firstAnswer } from './first-answer';

type State = { snapshot: string | null };
const settled = (p: Promise<void>) => {
  let done = false;
  void p.then(() => (done = true));
  return () => done;
};

afterEach(() => vi.useRealTimers());

describe('firstAnswer', () => {
  it('settles at once when the store has answered already', async () => {
    const store = createStore<State>(() => ({ snapshot: 'here' }));
    await expect(firstAnswer(store, (s) => s.snapshot !== null, 10_000)).resolves.toBeUndefined();
  });

  it('settles when the answer arrives, and stops listening', async () => {
    vi.useFakeTimers();
    const store = createStore<State>(() => ({ snapshot: null }));
    let listening = 0;
    const counted = {
      getState: store.getState,
      subscribe: (listener: (s: State, prev: State) => void) => {
        listening++;
        const off = store.subscribe(listener);
        return () => (listening--, off());
      },
    };
    const isDone = settled(firstAnswer(counted, (s) => s.snapshot !== null, 150));
    await vi.advanceTimersByTimeAsync(50);
    expect(listening).toBe(1);
    expect(isDone()).toBe(false);
    store.setState({ snapshot: 'data' });
    await vi.advanceTimersByTimeAsync(0);
    expect(isDone()).toBe(true);
    expect(listening).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives up waiting after waitMs, so a slow answer still gets a "Loading…" screen', async () => {
    vi.useFakeTimers();
    const store = createStore<State>(() => ({ snapshot: null }));
    const isDone = settled(firstAnswer(store, (s) => s.snapshot !== null, 150));
    await vi.advanceTimersByTimeAsync(149);
    expect(isDone()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(isDone()).toBe(true);
  });
});
