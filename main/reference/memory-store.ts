/**
 * The reference memory server's store: items of text, searched by term overlap (a bag-of-words cosine).
 * A stand-in for a vector store, small enough to read, real enough to cost time that grows with its size.
 */

export interface MemoryItem {
  id: string;
  text: string;
  createdAt: string;
}

export interface SearchHit {
  id: string;
  text: string;
  score: number;
}

/** Lower-case words of letters and digits: the terms a query and an item share. */
export function terms(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of terms(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

function norm(v: Map<string, number>): number {
  let sum = 0;
  for (const x of v.values()) sum += x * x;
  return Math.sqrt(sum);
}

export const MAX_ITEM_CHARS = 10_000;

export class MemoryStore {
  private readonly items = new Map<string, MemoryItem & { vector: Map<string, number>; norm: number }>();
  private nextId = 1;

  get size(): number {
    return this.items.size;
  }

  add(text: string, now = new Date()): MemoryItem {
    if (!text.trim()) throw new Error('text must not be empty');
    if (text.length > MAX_ITEM_CHARS) throw new Error(`text is longer than ${MAX_ITEM_CHARS} characters`);
    const id = String(this.nextId++);
    const vector = termCounts(text);
    const item = { id, text, createdAt: now.toISOString() };
    this.items.set(id, { ...item, vector, norm: norm(vector) });
    return item;
  }

  get(id: string): MemoryItem | undefined {
    const found = this.items.get(id);
    return found && { id: found.id, text: found.text, createdAt: found.createdAt };
  }

  delete(id: string): boolean {
    return this.items.delete(id);
  }

  /** The k items most similar to the query (score > 0), best first; ties by id so results are stable. */
  search(query: string, k = 3): SearchHit[] {
    const q = termCounts(query);
    const qn = norm(q);
    if (qn === 0) return [];
    const hits: SearchHit[] = [];
    for (const item of this.items.values()) {
      let dot = 0;
      for (const [t, n] of q) dot += n * (item.vector.get(t) ?? 0);
      if (dot > 0) hits.push({ id: item.id, text: item.text, score: Math.round((dot / (qn * item.norm)) * 1e4) / 1e4 });
    }
    hits.sort((a, b) => b.score - a.score || Number(a.id) - Number(b.id));
    return hits.slice(0, Math.max(0, k));
  }
}

/** What the demo's memory starts with, so the LLM has context to find from the first request. */
export const SEED_ITEMS = [
  'Lookout supervises a local Prometheus, Alertmanager and node_exporter on 127.0.0.1.',
  'The LLM server answers completions and asks the memory server for context over a Unix socket.',
  'The memory server stores notes and finds the ones closest to a query.',
  'The GUI server serves a small page and forwards questions to the LLM server over HTTP.',
  'Prometheus scrapes every service at /metrics and keeps the history on disk.',
  'Alerts fire when a service is down, slow, or answers with errors.',
  'A correlation id from X-Request-Id appears on every log line of a request.',
  'Trace context travels in the W3C traceparent header and in the IPC envelope.',
  'Fault injection can add latency, errors, IPC delay, a crash or a hang at runtime.',
  'Route labels are templates such as /items/{id}, so metric cardinality stays bounded.',
  'The traffic generator sends a steady rate of requests so dashboards have data.',
  'Histograms use buckets from 5 milliseconds to 10 seconds for local services.',
];
