import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AfterFirstPaint } from './AfterFirstPaint';

afterEach(cleanup);

describe('AfterFirstPaint', () => {
  it('waits for ready, then for the next frame, and stays mounted', async () => {
    const view = render(<AfterFirstPaint ready={false}><p>below</p></AfterFirstPaint>);
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByText('below')).toBeNull();

    view.rerender(<AfterFirstPaint ready><p>below</p></AfterFirstPaint>);
    expect(screen.queryByText('below')).toBeNull();
    expect(await screen.findByText('below')).toBeTruthy();

    view.rerender(<AfterFirstPaint ready={false}><p>below</p></AfterFirstPaint>);
    expect(screen.getByText('below')).toBeTruthy();
  });

  it('mounts anyway when no frame comes (a hidden window)', async () => {
    const raf = vi.spyOn(globalThis, 'requestAnimationFrame').mockImplementation(() => 0);
    try {
      render(<AfterFirstPaint ready><p>below</p></AfterFirstPaint>);
      expect(screen.queryByText('below')).toBeNull();
      expect(await screen.findByText('below', undefined, { timeout: 1_000 })).toBeTruthy();
      expect(raf).toHaveBeenCalled();
    } finally {
      raf.mockRestore();
    }
  });
});
