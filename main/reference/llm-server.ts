/**
 * Reference LLM server: POST /v1/completions (OpenAI-style) answers after a simulated latency, with
 * context from the memory server fetched over its Unix socket. Metrics: the kit's HTTP/IPC set plus
 * llm_tokens_processed_total, llm_request_duration_seconds and llm_cache_operations_total.
 */
import { trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { Counter, Histogram } from 'prom-client';
import { z } from 'zod';
import { describeIssues } from '../core/settings/schema';
import { createHttpService, createIpcClient, HttpError, route, type Telemetry } from '../core/telemetry/kit';
import { adminRoutes, Faults } from './faults';
import { composeCompletion, countTokens, generationMs, LruCache } from './llm-engine';
import type { SearchHit } from './memory-store';
import type { RunningService } from './running-service';

/** From a cache hit (~10 ms) to a long local generation (a minute). */
export const LLM_DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export const DEFAULT_MODELS = ['demo-small', 'demo-large'];

export interface LlmServerOptions {
  telemetry: Telemetry;
  port?: number;
  /** The memory server's IPC socket. */
  memorySocket: string;
  /** Models it answers for (the `model` label takes only these values). */
  models?: string[];
  /** Fixed part of the simulated generation time (default 50 ms). */
  latencyMs?: number;
  /** Per completion token (default 1 ms). */
  perTokenMs?: number;
  cacheSize?: number;
  exit?: (code: number) => void;
}

const completionRequest = z.object({
  model: z.string().optional(),
  prompt: z.string().min(1, 'must not be empty').max(20_000, 'must be at most 20000 characters'),
  max_tokens: z.number().int().min(1).max(1024).default(64),
  stream: z.literal(false, { message: 'streaming is not supported by the reference server' }).optional(),
});

export async function startLlmServer(opts: LlmServerOptions): Promise<RunningService> {
  const { telemetry } = opts;
  const models = opts.models?.length ? opts.models : DEFAULT_MODELS;
  const latencyMs = opts.latencyMs ?? 50;
  const perTokenMs = opts.perTokenMs ?? 1;
  const faults = new Faults();
  const cache = new LruCache<{ text: string; promptTokens: number; completionTokens: number }>(opts.cacheSize ?? 256);
  const registers = [telemetry.metrics.registry];
  const tokens = new Counter({
    name: 'llm_tokens_processed_total',
    help: 'Tokens the model processed, by model and direction (prompt, completion). Cache hits process none.',
    labelNames: ['model', 'direction'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'llm_request_duration_seconds',
    help: 'Time to produce a completion (cache lookup, context from memory, generation), by model.',
    labelNames: ['model'] as const,
    buckets: LLM_DURATION_BUCKETS,
    registers,
  });
  const cacheOps = new Counter({ name: 'llm_cache_operations_total', help: 'Completion cache lookups, by result (hit, miss).', labelNames: ['result'] as const, registers });
  // Every label value known up front starts at 0, so rate() and increase() see the first event too.
  for (const model of models) for (const direction of ['prompt', 'completion']) tokens.inc({ model, direction }, 0);
  for (const result of ['hit', 'miss']) cacheOps.inc({ result }, 0);

  const memory = createIpcClient({ socketPath: opts.memorySocket, peer: 'memory', telemetry, timeoutMs: 5_000, beforeSend: () => faults.beforeIpc() });

  async function contextFor(prompt: string): Promise<string[]> {
    try {
      const { results } = await memory.call<{ results: SearchHit[] }>('search', { query: prompt, k: 3 });
      return results.map((r) => r.text);
    } catch (err) {
      // The LLM still answers without context; the IPC error is counted and logged.
      telemetry.logger.warn({ error: (err as Error).message }, 'memory unavailable; answering without context');
      return [];
    }
  }

  const http = createHttpService({
    telemetry,
    before: [faults.httpHook()],
    routes: [
      route('GET', '/healthz', () => ({ json: { status: 'ok', models } })),
      route('GET', '/v1/models', () => ({ json: { object: 'list', data: models.map((id) => ({ id, object: 'model', owned_by: 'lookout-reference' })) } })),
      route('POST', '/v1/completions', async (ctx) => {
        const parsed = completionRequest.safeParse(await ctx.json());
        if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error).join('; '), 'invalid_request');
        const req = parsed.data;
        const model = req.model ?? models[0]!;
        if (!models.includes(model)) throw new HttpError(404, `model: ${model} is not served here (models: ${models.join(', ')})`, 'model_not_found');
        const end = duration.startTimer({ model });
        const key = `${model}\0${req.max_tokens}\0${req.prompt}`;
        let entry = cache.get(key);
        const hit = entry !== undefined;
        cacheOps.inc({ result: hit ? 'hit' : 'miss' });
        // On the request's span too: a trace then says why it has no memory hop (a hit needs no context).
        trace.getActiveSpan()?.setAttribute('llm.cache', hit ? 'hit' : 'miss');
        if (!entry) {
          const context = await contextFor(req.prompt);
          const text = composeCompletion(req.prompt, context, req.max_tokens);
          entry = { text, promptTokens: countTokens(req.prompt), completionTokens: countTokens(text) };
          await new Promise((r) => setTimeout(r, generationMs(entry!.completionTokens, latencyMs, perTokenMs)));
          tokens.inc({ model, direction: 'prompt' }, entry.promptTokens);
          tokens.inc({ model, direction: 'completion' }, entry.completionTokens);
          cache.set(key, entry);
        }
        end();
        ctx.log.info({ model, cache: hit ? 'hit' : 'miss', prompt_tokens: entry.promptTokens, completion_tokens: entry.completionTokens }, 'completion served');
        return {
          json: {
            id: `cmpl-${randomUUID()}`,
            object: 'text_completion',
            created: Math.floor(Date.now() / 1000),
            model,
            choices: [{ index: 0, text: entry.text, finish_reason: 'stop' }],
            usage: { prompt_tokens: entry.promptTokens, completion_tokens: entry.completionTokens, total_tokens: entry.promptTokens + entry.completionTokens },
            cache: hit ? 'hit' : 'miss',
          },
        };
      }),
      ...adminRoutes(faults, telemetry, opts.exit),
    ],
  });

  const { url, port } = await http.listen(opts.port ?? 0);
  return {
    name: 'llm',
    url,
    port,
    faults,
    async close() {
      memory.close();
      await http.close();
    },
  };
}
