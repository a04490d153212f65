import { z } from 'zod';
import { COMPONENT_IDS, HISTORY_RANGES } from '../../common/model';
import type { Channel, Req, Res } from '../../common/ipc';

/** One handler per contract channel; declared with `satisfies Handlers` so a missing one fails to compile. */
export type Handlers = { [C in Channel]: (req: Req<C>) => Promise<Res<C>> };

const empty = z.object({}).strict();
const componentList = z.object({ components: z.array(z.enum(COMPONENT_IDS)).min(1).optional() }).strict();

/**
 * The validating gate's schemas: every request from the UI, the HTTP API or the CLI is parsed with
 * these before a handler sees it, whichever transport it came through.
 */
export const requestSchemas = {
  'app:info': empty,
  'stack:get': empty,
  'stack:start': componentList,
  'stack:stop': componentList,
  'metrics:get': empty,
  'metrics:history': z.object({ range: z.enum(HISTORY_RANGES) }).strict(),
  'settings:get': empty,
  'settings:update': z
    .object({
      changes: z
        .array(z.object({ path: z.array(z.union([z.string().min(1), z.number().int().min(0)])).min(1), value: z.unknown() }).strict())
        .min(1)
        .max(100),
    })
    .strict(),
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
