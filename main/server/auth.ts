import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { WEBHOOK_PATH } from '../core/alerts/webhook';

/** What checkRequest needs from an incoming request. */
export interface GateRequest {
  headers: IncomingHttpHeaders;
  url?: string | undefined;
}

export interface GateOptions {
  /** The API token (paths.tokenFile). */
  token: string;
  /** The port we listen on; Host and Origin must carry it. */
  port: number;
  /** Also accepted on the Alertmanager webhook path, and only there. */
  webhookToken?: string | null;
}

export type GateResult = { ok: true } | { ok: false; status: 401 | 403 | 421; reason: string };

/** Names a browser may use to reach us. Anything else in Host means DNS rebinding or a misdirected request. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Components run by the Docker runtime reach Lookout as host.docker.internal (the engine forwards that to the
 * host's loopback), but only for what they need: Prometheus scraping /metrics (no secrets, open to loopback
 * anyway) and Alertmanager's webhook (which still needs its token). The UI and the API stay loopback-named.
 */
const CONTAINER_HOST = 'host.docker.internal';
const CONTAINER_PATHS = new Set(['/metrics', WEBHOOK_PATH]);

/**
 * The validating gate of the HTTP transport, run before any routing:
 * - Host must be a loopback name with our port (or, on /metrics and the webhook only, host.docker.internal): a page on evil.example that rebinds its DNS name to
 *   127.0.0.1 still sends `Host: evil.example`, so it is refused (421) before the token is even looked at.
 * - Origin, when sent, must be our own origin: cross-site pages (and sandboxed ones sending `null`) get 403.
 * - Everything under /api/ needs `Authorization: Bearer <token>` (401); the Alertmanager webhook also takes
 *   the webhook token. Static UI files and /metrics do not:
 *   they hold no secrets, and the UI must load before it can read the token from the URL fragment.
 */
export function checkRequest(req: GateRequest, opts: GateOptions): GateResult {
  const host = req.headers.host?.toLowerCase();
  if (!host) return { ok: false, status: 421, reason: 'missing Host header' };
  const pathname = requestPathname(req.url);
  if (!allowedHosts(opts.port).has(host) && !(host === `${CONTAINER_HOST}:${opts.port}` && CONTAINER_PATHS.has(pathname))) {
    return { ok: false, status: 421, reason: `Host "${host}" is not a loopback address on port ${opts.port}` };
  }

  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins(opts.port).has(origin.toLowerCase())) {
    return { ok: false, status: 403, reason: `Origin "${origin}" may not use this API` };
  }

  if (needsToken(pathname)) {
    const presented = bearerToken(req.headers.authorization);
    if (presented === null) return { ok: false, status: 401, reason: 'missing bearer token' };
    // Evaluate both comparisons so timing does not tell which token was close.
    const api = tokensEqual(presented, opts.token);
    const webhook = pathname === WEBHOOK_PATH && !!opts.webhookToken && tokensEqual(presented, opts.webhookToken);
    if (!api && !webhook) return { ok: false, status: 401, reason: 'invalid bearer token' };
  }
  return { ok: true };
}

function allowedHosts(port: number): Set<string> {
  const hosts = new Set(LOOPBACK_NAMES.map((name) => `${name}:${port}`));
  // Clients leave out the port when it is the scheme's default.
  if (port === 80) for (const name of LOOPBACK_NAMES) hosts.add(name);
  return hosts;
}

function allowedOrigins(port: number): Set<string> {
  const suffix = port === 80 ? '' : `:${port}`;
  return new Set(LOOPBACK_NAMES.map((name) => `http://${name}${suffix}`));
}

/**
 * The request target as a URL, the one way both the gate and routing read it: dot segments (also %2e-encoded
 * ones) are resolved by the WHATWG parser, so `/assets/../api/v1/stack` cannot sneak past the token check.
 * An origin-form target is appended to our origin rather than resolved against it: as a relative reference
 * `//x/y` would turn `x` into a host name.
 */
export function parseTarget(target: string | undefined): URL | null {
  const raw = target ?? '/';
  try {
    return raw.startsWith('/') ? new URL(`http://127.0.0.1${raw}`) : new URL(raw);
  } catch {
    return null;
  }
}

/** The pathname checkRequest and the routers act on ('/' when the target cannot be parsed). */
export function requestPathname(target: string | undefined): string {
  return parseTarget(target)?.pathname ?? '/';
}

function needsToken(pathname: string): boolean {
  // All of /api/, not only /api/v1/: an unknown API path answers 401 to strangers rather than revealing a 404.
  return pathname === '/api' || pathname.startsWith('/api/');
}

function bearerToken(header: string | undefined): string | null {
  const match = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  return match?.[1] ?? null;
}

/** Constant-time comparison: SHA-256 both sides so timingSafeEqual gets equal-length buffers whatever was sent. */
function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
