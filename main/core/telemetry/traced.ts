import { SpanStatusCode } from '@opentelemetry/api';
import type { Tracing } from './tracing';

/**
 * Run `fn` inside a span of Lookout's own tracer (stack start, config apply), so what Lookout does is in
 * the same trace store as what the user's services do; a failure marks the span as an error. Without a
 * tracer (the store is not open) it simply runs `fn`.
 */
export function traced<T>(tracing: Tracing | null, name: string, fn: () => Promise<T>, attributes: Record<string, string | number | boolean> = {}): Promise<T> {
  if (!tracing) return fn();
  return tracing.tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}
