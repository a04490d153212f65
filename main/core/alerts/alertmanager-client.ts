/**
 * A small client for Alertmanager's v2 API (alerts, silences) and a parser for its webhook payload.
 * Both turn Alertmanager's JSON into AmAlert / AmSilence; errors say what failed in words.
 */
import { z } from 'zod';
import { AlertmanagerRefusedError, AlertmanagerUnreachableError, SilenceNotFoundError } from './errors';

/** An Alertmanager alert as Lookout keeps it. Times are epoch ms. */
export interface AmAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  /** Alertmanager's endsAt; for a firing alert it is only when it would expire without a re-send. */
  endsAt: number | null;
  state: 'active' | 'suppressed' | 'unprocessed';
  silencedBy: string[];
  inhibitedBy: string[];
  generatorURL: string | null;
}

export interface AmSilence {
  id: string;
  matchers: Array<{ name: string; value: string; isRegex: boolean; isEqual: boolean }>;
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  state: 'active' | 'pending' | 'expired';
}

export interface NewSilence {
  /** Set to extend an existing silence (Alertmanager keeps the id when only endsAt changes). */
  id?: string;
  matchers: AmSilence['matchers'];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

export interface AlertmanagerClient {
  alerts(): Promise<AmAlert[]>;
  silences(): Promise<AmSilence[]>;
  createSilence(silence: NewSilence): Promise<string>;
  expireSilence(id: string): Promise<void>;
  /** Post an alert straight to Alertmanager (the settings' "send test" goes through the real routes this way). */
  postAlert(alert: { labels: Record<string, string>; annotations: Record<string, string>; startsAt: number; endsAt: number }): Promise<void>;
}

const time = (s: string | undefined | null): number | null => {
  if (!s || s.startsWith('0001-01-01')) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
};

const labels = z.record(z.string(), z.string());

const apiAlert = z.object({
  fingerprint: z.string(),
  labels,
  annotations: labels.default({}),
  startsAt: z.string(),
  endsAt: z.string().nullish(),
  generatorURL: z.string().nullish(),
  status: z.object({
    state: z.enum(['active', 'suppressed', 'unprocessed']),
    silencedBy: z.array(z.string()).nullish(),
    inhibitedBy: z.array(z.string()).nullish(),
  }),
});

const apiSilence = z.object({
  id: z.string(),
  matchers: z.array(z.object({ name: z.string(), value: z.string(), isRegex: z.boolean(), isEqual: z.boolean().default(true) })),
  startsAt: z.string(),
  endsAt: z.string(),
  createdBy: z.string(),
  comment: z.string(),
  status: z.object({ state: z.enum(['active', 'pending', 'expired']) }),
});

/** The webhook body Alertmanager posts (version 4). Unknown fields are ignored. */
export const webhookPayloadSchema = z.object({
  version: z.string().optional(),
  receiver: z.string(),
  status: z.enum(['firing', 'resolved']),
  groupKey: z.string().optional(),
  alerts: z.array(
    z.object({
      status: z.enum(['firing', 'resolved']),
      labels,
      annotations: labels.default({}),
      startsAt: z.string(),
      endsAt: z.string().nullish(),
      generatorURL: z.string().nullish(),
      fingerprint: z.string(),
    }),
  ),
});
export type WebhookPayload = z.output<typeof webhookPayloadSchema>;

/** A webhook alert, as Lookout keeps it. */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  alert: AmAlert;
}

/** Parse a webhook body; throws with the offending field named. */
export function parseWebhook(raw: unknown): { receiver: string; alerts: WebhookAlert[] } {
  const parsed = webhookPayloadSchema.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new Error(`not an Alertmanager webhook payload: ${detail}`);
  }
  return {
    receiver: parsed.data.receiver,
    alerts: parsed.data.alerts.map((a) => ({
      status: a.status,
      alert: {
        fingerprint: a.fingerprint,
        labels: a.labels,
        annotations: a.annotations,
        startsAt: time(a.startsAt) ?? 0,
        endsAt: time(a.endsAt),
        // Alertmanager only sends what it does not mute, so a webhook alert is active when sent.
        state: 'active',
        silencedBy: [],
        inhibitedBy: [],
        generatorURL: a.generatorURL ?? null,
      },
    })),
  };
}

/**
 * The client; `baseUrl` is read on every call so a port change in settings takes effect at once, and so is
 * `headers` (the Authorization of a locked-down or attached Alertmanager, main/core/lockdown/access.ts).
 */
export function createAlertmanagerClient(baseUrl: () => string, timeoutMs = 3_000, headers: () => Promise<Record<string, string>> = async () => ({})): AlertmanagerClient {
  async function call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const url = `${baseUrl()}${path}`;
    let res: Response;
    try {
      const auth = await headers();
      res = await fetch(url, {
        method,
        signal: AbortSignal.timeout(timeoutMs),
        ...(body === undefined ? { headers: auth } : { headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
      throw new AlertmanagerUnreachableError(`Alertmanager is not answering at ${baseUrl()} (${why})`, { cause: err });
    }
    const text = await res.text();
    if (!res.ok) throw new AlertmanagerRefusedError(`Alertmanager refused ${method} ${path}: HTTP ${res.status} ${text.trim().slice(0, 300)}`, res.status, text.trim().slice(0, 300));
    return text ? (JSON.parse(text) as unknown) : null;
  }

  return {
    async alerts() {
      const list = z.array(apiAlert).parse(await call('GET', '/api/v2/alerts'));
      return list.map((a) => ({
        fingerprint: a.fingerprint,
        labels: a.labels,
        annotations: a.annotations,
        startsAt: time(a.startsAt) ?? 0,
        endsAt: time(a.endsAt),
        state: a.status.state,
        silencedBy: a.status.silencedBy ?? [],
        inhibitedBy: a.status.inhibitedBy ?? [],
        generatorURL: a.generatorURL ?? null,
      }));
    },
    async silences() {
      const list = z.array(apiSilence).parse(await call('GET', '/api/v2/silences'));
      return list.map((s) => ({
        id: s.id,
        matchers: s.matchers,
        startsAt: time(s.startsAt) ?? 0,
        endsAt: time(s.endsAt) ?? 0,
        createdBy: s.createdBy,
        comment: s.comment,
        state: s.status.state,
      }));
    },
    async createSilence(s) {
      const body = {
        ...(s.id ? { id: s.id } : {}),
        matchers: s.matchers,
        startsAt: new Date(s.startsAt).toISOString(),
        endsAt: new Date(s.endsAt).toISOString(),
        createdBy: s.createdBy,
        comment: s.comment,
      };
      const res = z.object({ silenceID: z.string() }).parse(await call('POST', '/api/v2/silences', body));
      return res.silenceID;
    },
    async expireSilence(id) {
      try {
        await call('DELETE', `/api/v2/silence/${encodeURIComponent(id)}`);
      } catch (err) {
        // Alertmanager answers an unknown id with 404 "silence not found".
        if (err instanceof AlertmanagerRefusedError && err.status === 404) throw new SilenceNotFoundError(id);
        throw err;
      }
    },
    async postAlert(a) {
      await call('POST', '/api/v2/alerts', [
        { labels: a.labels, annotations: a.annotations, startsAt: new Date(a.startsAt).toISOString(), endsAt: new Date(a.endsAt).toISOString() },
      ]);
    },
  };
}
