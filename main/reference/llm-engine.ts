/**
 * The reference LLM's "model": deterministic text from the prompt and the context the memory server
 * found, a token count, an LRU cache and a latency that grows with the completion's length. Enough
 * to give real-looking token, cache and latency metrics without a model on the machine.
 */

/** Tokens as a model would roughly see them: words and single punctuation marks. */
export function countTokens(text: string): number {
  return text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)?.length ?? 0;
}

/** A least-recently-used cache (Map keeps insertion order; a hit moves the key to the end). */
export class LruCache<V> {
  private readonly map = new Map<string, V>();
  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error('cache capacity must be at least 1');
  }

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }

  get size(): number {
    return this.map.size;
  }
}

/** The completion for a prompt: built from the context when there is some, at most `maxTokens` words long. */
export function composeCompletion(prompt: string, context: string[], maxTokens: number): string {
  const source = context.length
    ? `From ${context.length} note${context.length === 1 ? '' : 's'} in memory: ${context.join(' ')}`
    : `Nothing in memory matches. You asked: ${prompt}`;
  const words = source.split(/\s+/).filter(Boolean);
  return words.slice(0, Math.max(1, maxTokens)).join(' ');
}

/** Simulated generation time: a fixed part plus a per-token part, as with a real local model. */
export function generationMs(completionTokens: number, latencyMs: number, perTokenMs: number): number {
  return latencyMs + perTokenMs * completionTokens;
}
