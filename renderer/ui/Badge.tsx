import type { ReactNode } from 'react';

/** Visual tone of a badge; maps to a colour in styles.css. */
export type Tone = 'ok' | 'warning' | 'critical' | 'neutral' | 'busy';

/** A small coloured label; the text stays the exact value so tests and screen readers read it as is. */
export function Badge({ tone, children, testId }: { tone: Tone; children: ReactNode; testId?: string }) {
  return (
    <span className={`badge badge-${tone}`} data-testid={testId}>
      {children}
    </span>
  );
}
