import fsp from 'node:fs/promises';
import type { LogRecord } from '../../store/records';
import type { LokiTarget, OtlpTarget, ShipTarget } from '../settings-schema';
import { encodeLokiPush } from './loki-encode';
import { encodeOtlpLogs } from './otlp-encode';

/** What one send came to: shipped, worth retrying (429, 5xx, network, a credential to fix), or never going to succeed (400). */
export type SendResult =
  | { ok: true }
  | { ok: false; retry: true; reason: string; status?: number; retryAfterMs?: number }
  | { ok: false; retry: false; reason: string; status: number; tooLarge: boolean };

export interface TargetClient {
  send(records: readonly LogRecord[]): Promise<SendResult>;
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

const TIMEOUT_MS = 10_000;

/** A secret from a 0600 file (trimmed). A file others can read is refused, so the setting gets fixed rather than the secret spread. */
export async function readSecretFile(file: string, setting: string): Promise<string> {
  let st;
  try {
    st = await fsp.stat(file);
  } catch (err) {
    throw new Error(`${setting}: ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
  if ((st.mode & 0o077) !== 0) throw new Error(`${setting}: ${file} is readable by others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 ${file}`);
  const value = (await fsp.readFile(file, 'utf8')).trim();
  if (!value || /[\r\n]/.test(value)) throw new Error(`${setting}: ${file} must hold one line`);
  return value;
}

function retryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const s = Number(value);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** HTTP status → what to do. 401/403/404 are retried: they are settings to fix, and the queue holds the records meanwhile. */
async function classify(res: Awaited<ReturnType<FetchLike>>): Promise<SendResult> {
  if (res.status >= 200 && res.status < 300) return { ok: true };
  const body = (await res.text().catch(() => '')).trim().slice(0, 300);
  const reason = `HTTP ${res.status}${body ? `: ${body}` : ''}`;
  if (res.status === 429 || res.status === 408 || res.status >= 500 || res.status === 401 || res.status === 403 || res.status === 404) {
    return { ok: false, retry: true, reason, status: res.status, retryAfterMs: retryAfter(res.headers.get('retry-after')) };
  }
  return { ok: false, retry: false, reason, status: res.status, tooLarge: res.status === 413 };
}

async function post(fetchImpl: FetchLike, url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
  try {
    return await classify(await fetchImpl(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) }));
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, retry: true, reason: `cannot reach ${new URL(url).host}: ${cause?.code ?? cause?.message ?? (err as Error).message}` };
  }
}

export function lokiPushUrl(url: string): string {
  const u = new URL(url);
  if (!u.pathname.endsWith('/loki/api/v1/push')) u.pathname = `${u.pathname.replace(/\/$/, '')}/loki/api/v1/push`;
  return u.toString();
}

export function otlpLogsUrl(url: string): string {
  const u = new URL(url);
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/v1/logs';
  return u.toString();
}

function lokiClient(t: LokiTarget, fetchImpl: FetchLike): TargetClient {
  const url = lokiPushUrl(t.url);
  return {
    async send(records) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      try {
        if (t.tenant) headers['x-scope-orgid'] = t.tenant;
        if (t.bearerTokenFile) headers.authorization = `Bearer ${await readSecretFile(t.bearerTokenFile, `logs.ship[${t.name}].bearerTokenFile`)}`;
        if (t.basicAuth) headers.authorization = `Basic ${Buffer.from(`${t.basicAuth.username}:${await readSecretFile(t.basicAuth.passwordFile, `logs.ship[${t.name}].basicAuth.passwordFile`)}`).toString('base64')}`;
      } catch (err) {
        return { ok: false, retry: true, reason: (err as Error).message };
      }
      return post(fetchImpl, url, headers, JSON.stringify(encodeLokiPush(records, t)));
    },
  };
}

function otlpClient(t: OtlpTarget, fetchImpl: FetchLike): TargetClient {
  const url = otlpLogsUrl(t.url);
  return {
    async send(records) {
      const headers: Record<string, string> = { ...t.headers, 'content-type': 'application/json' };
      try {
        for (const [name, file] of Object.entries(t.headerFiles)) headers[name.toLowerCase()] = await readSecretFile(file, `logs.ship[${t.name}].headerFiles.${name}`);
        if (t.bearerTokenFile) headers.authorization = `Bearer ${await readSecretFile(t.bearerTokenFile, `logs.ship[${t.name}].bearerTokenFile`)}`;
      } catch (err) {
        return { ok: false, retry: true, reason: (err as Error).message };
      }
      return post(fetchImpl, url, headers, JSON.stringify(encodeOtlpLogs(records, Date.now() * 1000)));
    },
  };
}

export function createTargetClient(t: ShipTarget, fetchImpl: FetchLike = fetch as unknown as FetchLike): TargetClient {
  return t.type === 'loki' ? lokiClient(t, fetchImpl) : otlpClient(t, fetchImpl);
}
