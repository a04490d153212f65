import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorEnvelope } from '../../common/ipc';
import { BadRequestError } from '../core/api';

/** Largest JSON body the API accepts: requests are small commands, never uploads. */
export const MAX_BODY_BYTES = 64 * 1024;

/** An error with an HTTP status, for failures the transport itself detects (unknown route, wrong method, …). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    // API answers are live state; a cached one would be a lie.
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/**
 * Map any thrown value to an ErrorEnvelope: the message survives (the other side rebuilds an Error from it),
 * the stack never leaves the process.
 */
export function sendError(res: ServerResponse, err: unknown): { status: number; envelope: ErrorEnvelope } {
  const { status, envelope, headers } = toEnvelope(err);
  if (res.headersSent) res.destroy();
  else sendJson(res, status, envelope, headers);
  return { status, envelope };
}

function toEnvelope(err: unknown): { status: number; envelope: ErrorEnvelope; headers: Record<string, string> } {
  if (err instanceof HttpError) return { status: err.status, envelope: { error: { message: err.message, code: err.code } }, headers: err.headers };
  if (err instanceof BadRequestError) return { status: 400, envelope: { error: { message: err.message, code: err.code } }, headers: {} };
  const message = err instanceof Error ? err.message : String(err);
  // Core errors say what they are with a code (io_error, …) and may carry the status that fits them.
  const { code, status } = (err ?? {}) as { code?: unknown; status?: unknown };
  const httpStatus = typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
  return { status: httpStatus, envelope: { error: { message, code: typeof code === 'string' ? code : 'internal' } }, headers: {} };
}

/**
 * Read a JSON request body. Only `application/json` is accepted: an HTML form or a `no-cors` fetch from a
 * foreign page cannot send that type without a preflight, which adds a second wall behind the Origin check.
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  if (size === 0) return {};
  if (type !== 'application/json') {
    throw new HttpError(415, `request body must be application/json, got ${type ?? 'no Content-Type'}`, 'unsupported_media_type');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (err) {
    throw new HttpError(400, `request body is not valid JSON: ${(err as Error).message}`, 'bad_json');
  }
}

// The unread rest of the body would otherwise be parsed as the next request on a kept-alive connection.
const tooLarge = () => new HttpError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`, 'body_too_large', { Connection: 'close' });
