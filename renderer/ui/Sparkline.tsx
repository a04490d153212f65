import { useEffect, useRef } from 'react';
import { drawSparkline, sparklinePoints, type Scale } from '../lib/sparkline';

/**
 * A canvas sparkline: one path per redraw, no chart library and no SVG nodes per point, so 1 Hz
 * updates with hundreds of points stay far under a frame. Redraws are coalesced to the next frame.
 */
export function Sparkline({ values, scale, label, width = 120, height = 28 }: { values: ReadonlyArray<number | null>; scale?: Partial<Scale>; label: string; width?: number; height?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const frame = requestAnimationFrame(() => {
      const ctx = el.getContext('2d');
      if (!ctx) return; // no canvas support (tests): the figure beside it still shows the value
      const ratio = window.devicePixelRatio || 1;
      if (el.width !== width * ratio) {
        el.width = width * ratio;
        el.height = height * ratio;
      }
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      drawSparkline(ctx, sparklinePoints(values, width, height, scale), getComputedStyle(el).color || '#3b82f6');
    });
    return () => cancelAnimationFrame(frame);
  }, [values, scale, width, height]);

  return <canvas ref={canvas} className="sparkline" style={{ width, height }} role="img" aria-label={label} />;
}
