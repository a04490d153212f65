import { z } from 'zod';
import { INSTALL_COMPONENT_IDS } from '../../common/install';
import { ALERT_HISTORY_RANGES, COMPONENT_IDS, HISTORY_RANGES, SECRET_NAMES } from '../../common/model';
import { BACKUP_ID } from './backup/manifest';
import { LOG_LEVELS } from './store/records';
import type { Channel, Req, Res } from '../../common/ipc';

/** One handler per contract channel; declared with `satisfies Handlers` so a missing one fails to compile. */
export type Handlers = { [C in Channel]: (req: Req<C>) => Promise<Res<C>> };

const empty = z.object({}).strict();
const componentList = z.object({ components: z.array(z.enum(COMPONENT_IDS)).min(1).optional() }).strict();
const alertId = z.string().min(1).max(200);
/** Free text that ends up in an Alertmanager silence comment. */
const comment = z.string().max(500);
const who = z.string().min(1).max(100);

// GET requests arrive as query strings, IPC calls as typed values: these accept both.
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const epochUs = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const serviceName = z.string().min(1).max(200);
const level = z.enum(LOG_LEVELS);
const window = { fromUs: epochUs.optional(), toUs: epochUs.optional() };
const traceId = z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters');
const installables = z.array(z.enum(INSTALL_COMPONENT_IDS)).min(1).optional();

/**
 * The validating gate's schemas: every request from the UI, the HTTP API or the CLI is parsed with
 * these before a handler sees it, whichever transport it came through.
 */
export const requestSchemas = {
  'app:info': empty,
  'stack:get': empty,
  'stack:start': componentList,
  'stack:stop': componentList,
  'stack:restart': z.object({ components: z.array(z.enum(COMPONENT_IDS)).min(1) }).strict(),
  'metrics:get': empty,
  'grafana:credentials': empty,
  'metrics:history': z.object({ range: z.enum(HISTORY_RANGES) }).strict(),
  // A round trip above a minute is not an IPC measurement but a suspended laptop: refused.
  'metrics:ping': z.object({ roundTripSeconds: z.number().min(0).max(60).optional() }).strict(),
  'settings:get': empty,
  'links:get': empty,
  'settings:update': z
    .object({
      changes: z
        .array(
          // No `value` removes the field (its default applies again).
          z.object({ path: z.array(z.union([z.string().min(1), z.number().int().min(0)])).min(1), value: z.unknown().optional() }).strict(),
        )
        .min(1)
        .max(100),
    })
    .strict(),
  'alerts:get': empty,
  'alerts:history': z.object({ range: z.enum(ALERT_HISTORY_RANGES).optional() }).strict(),
  'alerts:ack': z.object({ id: alertId, comment: comment.optional(), by: who.optional() }).strict(),
  'alerts:snooze': z
    .object({
      id: alertId,
      duration: z.string().regex(/^(\d+d)?(\d+h)?(\d+m)?(\d+s)?$/, 'must be a duration such as 30m, 2h or 1d').refine((d) => d.length > 0, 'must not be empty'),
      comment: comment.optional(),
      by: who.optional(),
    })
    .strict(),
  'silences:delete': z.object({ id: z.string().min(1).max(200) }).strict(),
  'alerts:test': z.object({ severity: z.enum(['critical', 'warning', 'info']) }).strict(),
  'secrets:get': empty,
  // The value is checked per secret by the handler, so its error can name the setting it belongs to.
  'secrets:set': z.object({ name: z.enum(SECRET_NAMES), value: z.string().max(4096) }).strict(),
  'secrets:clear': z.object({ name: z.enum(SECRET_NAMES) }).strict(),
  'services:list': empty,
  'traces:list': z.object({ service: serviceName.optional(), errorsOnly: flag.optional(), ...window, limit: int(1, 1000).optional() }).strict(),
  'traces:get': z.object({ traceId }).strict(),
  'logs:search': z
    .object({ service: serviceName.optional(), minLevel: level.optional(), text: z.string().max(500).optional(), traceId: traceId.optional(), templateId: z.string().min(1).max(100).optional(), ...window, limit: int(1, 10_000).optional() })
    .strict(),
  'logs:errors': z.object({ service: serviceName.optional(), minLevel: level.optional(), ...window, limit: int(1, 1000).optional(), examples: int(0, 20).optional() }).strict(),
  'logs:patterns': z.object({ service: serviceName.optional(), minLevel: level.optional(), ...window, buckets: int(1, 500).optional(), limit: int(1, 1000).optional() }).strict(),
  'logs:latency': z.object({ service: serviceName.optional(), by: z.enum(['route', 'template']).optional(), ...window, limit: int(1, 1000).optional() }).strict(),
  'logs:status': empty,
  'install:status': empty,
  'install:start': z.object({ components: installables, source: z.enum(['auto', 'brew', 'release']).optional() }).strict(),
  'install:cancel': z.object({ components: installables }).strict(),
  'backup:list': empty,
  'backup:create': z.object({ includeSecrets: z.boolean().optional(), passphrase: z.string().min(8, 'must be at least 8 characters').max(1024).optional() }).strict(),
  'backup:restore': z.object({ id: z.string().regex(BACKUP_ID, 'must be a backup id such as 20261202T120000Z-ab12'), passphrase: z.string().min(1).max(1024).optional() }).strict(),
  'backup:prune': z.object({ keep: int(1, 1000).optional() }).strict(),
  'remoteWrite:status': empty,
  'lockdown:status': empty,
  'stack:credentials': empty,
} satisfies { [C in Channel]: z.ZodType<Req<C>> };

/** A request that failed validation; transports map it to 400 / an error envelope. */
export class BadRequestError extends Error {
  readonly code = 'bad_request';
}

/** Parse a request for a channel, naming the offending field in the error. */
export function parseRequest<C extends Channel>(channel: C, raw: unknown): Req<C> {
  const result = (requestSchemas[channel] as z.ZodType<Req<C>>).safeParse(raw ?? {});
  if (result.success) return result.data;
  const detail = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
  throw new BadRequestError(`invalid request for ${channel}: ${detail}`);
}
