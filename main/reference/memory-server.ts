/**
 * Reference memory server: stores and searches items over HTTP, and answers the LLM server's IPC
 * requests on a Unix socket. Metrics: the kit's HTTP/IPC set plus memory_items and
 * memory_search_duration_seconds.
 */
import { Gauge, Histogram } from 'prom-client';
import { z } from 'zod';
import { describeIssues } from '../core/settings/schema';
import { createHttpService, createIpcServer, HttpError, IpcError, route, type Telemetry } from '../core/telemetry/kit';
import { adminRoutes, Faults } from './faults';
import { MemoryStore, SEED_ITEMS, type SearchHit } from './memory-store';
import type { RunningService } from './running-service';

/** Local searches are sub-millisecond until the store grows; start low so the histogram shows the growth. */
export const MEMORY_SEARCH_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export interface MemoryServerOptions {
  telemetry: Telemetry;
  port?: number;
  socketPath: string;
  seed?: boolean;
  exit?: (code: number) => void;
}

const searchParams = z.object({ query: z.string().max(10_000), k: z.number().int().min(1).max(50).default(3) }).strict();
const addParams = z.object({ text: z.string() }).strict();
const getParams = z.object({ id: z.string() }).strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new IpcError(`invalid ${what} params: ${describeIssues(r.error).join('; ')}`, 'bad_params');
  return r.data;
}

export async function startMemoryServer(opts: MemoryServerOptions): Promise<RunningService> {
  const { telemetry } = opts;
  const store = new MemoryStore();
  if (opts.seed ?? true) for (const text of SEED_ITEMS) store.add(text);
  const faults = new Faults();
  const registers = [telemetry.metrics.registry];
  new Gauge({
    name: 'memory_items',
    help: 'Items held by the memory server.',
    registers,
    collect() {
      this.set(store.size);
    },
  });
  const searchDuration = new Histogram({ name: 'memory_search_duration_seconds', help: 'Time to search the memory store.', buckets: MEMORY_SEARCH_BUCKETS, registers });

  const search = (query: string, k: number): SearchHit[] => {
    const end = searchDuration.startTimer();
    try {
      return store.search(query, k);
    } finally {
      end();
    }
  };

  const http = createHttpService({
    telemetry,
    before: [faults.httpHook()],
    routes: [
      route('GET', '/healthz', () => ({ json: { status: 'ok', items: store.size } })),
      route('POST', '/items', async (ctx) => {
        const body = await ctx.json<{ text?: unknown }>();
        if (typeof body?.text !== 'string') throw new HttpError(400, 'text: must be a string', 'bad_request');
        try {
          const item = store.add(body.text);
          ctx.log.info({ item_id: item.id }, 'item stored');
          return { status: 201, json: item };
        } catch (err) {
          throw new HttpError(400, `text: ${(err as Error).message}`, 'bad_request');
        }
      }),
      route('GET', '/items/{id}', (ctx) => {
        const item = store.get(ctx.params.id!);
        if (!item) throw new HttpError(404, `no item ${ctx.params.id}`, 'not_found');
        return { json: item };
      }),
      route('DELETE', '/items/{id}', (ctx) => {
        if (!store.delete(ctx.params.id!)) throw new HttpError(404, `no item ${ctx.params.id}`, 'not_found');
        return { status: 204 };
      }),
      route('GET', '/search', (ctx) => {
        const q = ctx.url.searchParams.get('q');
        if (!q) throw new HttpError(400, 'q: query parameter required', 'bad_request');
        const k = Number(ctx.url.searchParams.get('k') ?? 3);
        if (!Number.isInteger(k) || k < 1 || k > 50) throw new HttpError(400, 'k: must be a whole number from 1 to 50', 'bad_request');
        return { json: { results: search(q, k) } };
      }),
      ...adminRoutes(faults, telemetry, opts.exit),
    ],
  });

  const ipc = await createIpcServer({
    socketPath: opts.socketPath,
    telemetry,
    before: [() => faults.beforeIpc()],
    handlers: {
      search: (params) => {
        const p = parse(searchParams, params, 'search');
        const results = search(p.query, p.k);
        telemetry.logger.info({ hits: results.length }, 'context search');
        return { results };
      },
      add: (params) => {
        const p = parse(addParams, params, 'add');
        try {
          return store.add(p.text);
        } catch (err) {
          throw new IpcError(`text: ${(err as Error).message}`, 'bad_params');
        }
      },
      get: (params) => {
        const p = parse(getParams, params, 'get');
        const item = store.get(p.id);
        if (!item) throw new IpcError(`no item ${p.id}`, 'not_found');
        return item;
      },
    },
  });

  try {
    const { url, port } = await http.listen(opts.port ?? 0);
    return {
      name: 'memory',
      url,
      port,
      socketPath: opts.socketPath,
      faults,
      async close() {
        await Promise.all([http.close(), ipc.close()]);
      },
    };
  } catch (err) {
    await ipc.close();
    throw err;
  }
}
