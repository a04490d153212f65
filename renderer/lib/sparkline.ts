/**
 * Sparkline geometry, kept pure so it is tested without a canvas. Gaps (absent values) break the
 * line instead of dropping to zero: a metric that could not be read must not look like an idle one.
 */
export type Point = readonly [x: number, y: number];

export interface Scale {
  min: number;
  max: number;
}

/** Fit values into a width × height box (y grows downwards); null entries become gaps. */
export function sparklinePoints(values: ReadonlyArray<number | null>, width: number, height: number, scale?: Partial<Scale>): Array<Point | null> {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!present.length) return values.map(() => null);
  const min = scale?.min ?? Math.min(...present);
  let max = scale?.max ?? Math.max(...present);
  if (max <= min) max = min + 1;
  const stepX = values.length > 1 ? width / (values.length - 1) : 0;
  // One pixel of padding so a flat line at the top or bottom stays visible.
  const usable = Math.max(height - 2, 1);
  return values.map((v, i) => {
    if (v === null || !Number.isFinite(v)) return null;
    const clamped = Math.min(Math.max(v, min), max);
    return [i * stepX, 1 + usable - ((clamped - min) / (max - min)) * usable] as const;
  });
}

/** Draw the points as connected runs; the canvas context is the only thing this touches. */
export function drawSparkline(ctx: CanvasRenderingContext2D, points: ReadonlyArray<Point | null>, color: string): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  let drawing = false;
  for (const p of points) {
    if (!p) {
      drawing = false;
      continue;
    }
    if (drawing) ctx.lineTo(p[0], p[1]);
    else ctx.moveTo(p[0], p[1]);
    drawing = true;
  }
  ctx.stroke();
}
