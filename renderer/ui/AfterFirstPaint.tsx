import { useEffect, useState, type ReactNode } from 'react';

/** A window that produces no frames (hidden, throttled) still mounts the rest after this long. */
const FALLBACK_MS = 250;

/**
 * Mounts its children only once `ready` is true and the frame showing that state has been painted. The
 * popover's first screen (stack and alerts) then paints without waiting for the sections below it.
 */
export function AfterFirstPaint({ ready, children }: { ready: boolean; children: ReactNode }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    if (!ready || mounted) return;
    const mount = () => setMounted(true);
    let afterPaint: ReturnType<typeof setTimeout> | undefined;
    // requestAnimationFrame runs just before the next paint; a task queued from there runs after it.
    const frame = requestAnimationFrame(() => {
      afterPaint = setTimeout(mount);
    });
    const fallback = setTimeout(mount, FALLBACK_MS);
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(afterPaint);
      clearTimeout(fallback);
    };
  }, [ready, mounted]);
  return mounted ? children : null;
}
