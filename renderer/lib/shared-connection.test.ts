import { describe, expect, it, vi } from 'vitest';
import type { Api } from '../../common/ipc';
import { sharedConnection } from './shared-connection';

const apiA = {} as Api;
const apiB = {} as Api;

describe('sharedConnection', () => {
  it('opens once for many users of one api and closes after the last cleanup', () => {
    const close = vi.fn();
    const open = vi.fn(() => close);
    const connect = sharedConnection(open);
    const first = connect(apiA);
    const second = connect(apiA);
    expect(open).toHaveBeenCalledTimes(1);
    first();
    first(); // a repeated cleanup does not count twice
    expect(close).not.toHaveBeenCalled();
    second();
    expect(close).toHaveBeenCalledTimes(1);
    connect(apiA);
    expect(open).toHaveBeenCalledTimes(2);
  });

  it('closes the old connection when another api connects, and an old cleanup then leaves the new one alone', () => {
    const closes: Api[] = [];
    const connect = sharedConnection((api) => () => closes.push(api));
    const old = connect(apiA);
    const next = connect(apiB);
    expect(closes).toEqual([apiA]);
    old();
    expect(closes).toEqual([apiA]);
    next();
    expect(closes).toEqual([apiA, apiB]);
  });
});
