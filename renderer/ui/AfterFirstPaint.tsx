import { useEffect, useState, type ReactNode } from 'react';

/**
 * Mounts its children only once `ready` is true and the frame showing that state has been painted. The
 * popover's first screen (stack and alerts) then paints without waiting for the sections below it.
 */
export function AfterFirstPaint({ ready, children }: { ready: boolean; children: ReactNode }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    if (!ready || mounted) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // requestAnimationFrame runs just before the next paint; a task queued from there runs after it.
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setMounted(true));
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [ready, mounted]);
  return mounted ? children : null;
}
