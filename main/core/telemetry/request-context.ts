import { randomUUID } from 'node:crypto';
import { context, createContextKey, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

/** Header that carries the correlation id in and out of every HTTP request. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A correlation id we accept from a caller: short and made of characters that cannot break a log
 * line or a header. Anything else is replaced, so a client cannot inject text into our logs.
 */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:@+=/-]{1,128}$/;

const REQUEST_ID = createContextKey('lookout.request_id');

let installed = false;

/**
 * Register the AsyncLocalStorage context manager once per process. OpenTelemetry's context API is a
 * no-op without one: spans would not follow `await`, and log lines could not find their trace.
 * When the host app already registered its own manager, that one is kept (and carries ours).
 */
export function installContextManager(): void {
  if (installed) return;
  installed = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

/** The caller's X-Request-Id when it is safe to reuse, else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && SAFE_REQUEST_ID.test(value) ? value : randomUUID();
}

/** `ctx` with the request's correlation id attached (it then travels with the context across awaits). */
export function withRequestId(ctx: Context, id: string): Context {
  return ctx.setValue(REQUEST_ID, id);
}

/** The correlation id of the request being handled, if any. */
export function currentRequestId(ctx: Context = context.active()): string | undefined {
  const value = ctx.getValue(REQUEST_ID);
  return typeof value === 'string' ? value : undefined;
}
