/**
 * Online template mining: each message in, its template (variables as `<*>`) and a stable id out.
 *
 * The shape follows Drain (He et al., ICWS 2017): messages are masked and tokenised (mask.ts), grouped
 * by token count and first token, and matched against the templates of that group. Where Drain merges
 * a line into the most similar template when a fixed share of tokens agree (which merges
 * `stored as bytes` with `stored as values`, or `session opened` with `session closed` beyond its
 * prefix), this miner only widens a template on evidence:
 *
 * - a line fits a template when every token is accepted: equal, under a `<*>`, or matching a pattern
 *   token (`rhost=<*>`, `(<*>)`, `'<*>'`: the constant part around a variable is kept and must match);
 * - a line may widen a template at one position, where its own token was masked (a digit where the
 *   template has a word) or fills a pattern with nothing (`()` against `(<*>)`);
 * - a word that differs from every template is a new template, until a position has shown
 *   `distinctValues` (3) different words with the rest of the line equal: then those siblings merge
 *   into one template with `<*>` there. Two values are as likely two events as one variable; three
 *   are a variable. A categorical `key=word` value (`level=error`, `user=root`) needs twice that,
 *   because such fields usually are what tells two events apart;
 * - the first token is never widened (Drain's assumption: a message starts with a constant);
 * - a widened template that now accepts a whole other template of its group absorbs it.
 *
 * Ids: a template's id is a hash of its text when its cluster was created. When every variable in a
 * line is masked (numbers, IPs, ids, paths), the first line already is the final template, so the id
 * is the same in every run and on every machine, whatever order the lines come in. When the miner
 * widens a word to `<*>`, the cluster keeps its first id; when clusters merge, the oldest one's id
 * survives and the others become aliases of it (`resolve`), so ids handed out earlier (stored records)
 * still lead to the merged template. `snapshot()` / `restore` carry clusters and aliases across restarts.
 *
 * Bounded: at most `maxClusters` templates, the least recently used evicted first, and at most
 * `maxPerGroup` in one group (what a line is compared with), so a stream of ever-new words costs
 * bounded time per line too; aliases bounded alike. Deterministic: the same messages in the same order give the same templates and ids.
 * Measured (Loghub-2k grouping accuracy, speed): see README.md beside this file.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { maskedTokens, WILDCARD as W } from './mask';

export interface TemplateMinerOptions {
  /** Templates kept; the least recently used is evicted past this. Default 5000. */
  maxClusters?: number;
  /**
   * Templates kept per group (same token count and first token); the group's least recently used is
   * evicted past this. Matching scans a group, so this bounds what one line can cost. Default 100.
   */
  maxPerGroup?: number;
  /** Different words a position must show, the rest of the line equal, before it becomes `<*>`. Default 3. */
  distinctValues?: number;
  /** The same for categorical `key=word` tokens. Default twice distinctValues. */
  categoricalDistinctValues?: number;
}

export interface TemplateMatch {
  /** 16 lowercase hex characters. */
  templateId: string;
  /** The template as it stands after this message: tokens joined by one space, variables as `<*>`. */
  template: string;
  /** True when this message started a template of its own (a pattern never seen before). */
  isNew: boolean;
}

export interface TemplateInfo {
  templateId: string;
  template: string;
  /** Messages this template (and every template merged into it) has taken. */
  count: number;
}

export interface TemplateMiner {
  /** Learn from one message and say which template it belongs to. */
  add(message: string): TemplateMatch;
  /** The current template an id (perhaps one merged away since) stands for, or undefined once evicted. */
  resolve(templateId: string): TemplateInfo | undefined;
  /**
   * Every id that stands for the same template as `templateId` now: the current id first, then the ids
   * merged into it (stored records keep the id they got, so a search by pattern must ask for all of them).
   * Empty once the template is evicted.
   */
  idsOf(templateId: string): string[];
  /** Every template kept, most messages first. */
  templates(): TemplateInfo[];
  /** The miner's state as plain JSON, for `createTemplateMiner(options, snapshot)` after a restart. */
  snapshot(): TemplateMinerSnapshot;
}

const snapshotSchema = z.object({
  version: z.literal(1),
  seq: z.number().int().nonnegative(),
  clusters: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{16}$/),
      tokens: z.array(z.string().min(1).regex(/^\S+$/)),
      count: z.number().int().positive(),
      seq: z.number().int().nonnegative(),
    }),
  ),
  aliases: z.array(z.tuple([z.string().regex(/^[0-9a-f]{16}$/), z.string().regex(/^[0-9a-f]{16}$/)])),
});
/** Clusters in least-recently-used-first order, and the aliases of merged-away ids. */
export type TemplateMinerSnapshot = z.infer<typeof snapshotSchema>;

interface Cluster {
  id: string;
  tokens: string[];
  count: number;
  /** Creation order: when clusters merge, the oldest id survives. */
  seq: number;
  /** Recency within its group, for the per-group bound. */
  lastUsed: number;
  bucket: Cluster[];
}

const hashId = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

// Letters, digits, `_` and `-` make words; anything else is a separator a pattern may keep around `<*>`.
const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;

/**
 * How much of l a pattern token t accepts: -1 when t is no pattern or l does not match it, else the
 * length of what fills its `<*>`. Compares characters in place: this runs for every token of every
 * candidate template, and allocating there halves the miner's speed.
 */
function patternFill(t: string, l: string): number {
  const i = t.indexOf(W);
  if (i <= 0 || isWordChar(t.charCodeAt(i - 1))) return -1;
  const sufStart = i + W.length;
  const sufLen = t.length - sufStart;
  if (sufLen >= W.length && t.indexOf(W, sufStart) >= 0) return -1;
  if (l.length < i + sufLen) return -1;
  for (let k = 0; k < i; k++) if (l.charCodeAt(k) !== t.charCodeAt(k)) return -1;
  for (let k = 1; k <= sufLen; k++) if (l.charCodeAt(l.length - k) !== t.charCodeAt(t.length - k)) return -1;
  return l.length - i - sufLen;
}

/** Does template token t accept line token l as it stands? */
function accepts(t: string, l: string): boolean {
  return t === l || t === W || patternFill(t, l) >= 0;
}

const EXACT = 0;
const WIDEN = 1;
const MISS = 2;
/** How line token l fits template token t: EXACT, WIDEN (fits only by widening t), or MISS. */
function fit(t: string, l: string): number {
  if (t === l || t === W) return EXACT;
  const fill = patternFill(t, l);
  if (fill > 0) return EXACT;
  if (fill === 0) return WIDEN;
  // The line's token was masked (it held a digit) where the template still has a word.
  if (l === W) return WIDEN;
  return patternFill(l, t) >= 0 ? WIDEN : MISS;
}

/** The narrowest token accepting both a and b: a shared separator-bounded prefix and suffix around `<*>`, or `<*>`. */
function generalise(a: string, b: string): string {
  if (accepts(a, b)) return a;
  if (accepts(b, a)) return b;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  while (i > 0 && isWordChar(a.charCodeAt(i - 1))) i--;
  if (i === 0) return W;
  let j = 0;
  while (j < n - i && a.charCodeAt(a.length - 1 - j) === b.charCodeAt(b.length - 1 - j)) j++;
  while (j > 0 && isWordChar(a.charCodeAt(a.length - j))) j--;
  const strip = (s: string) => s.split(W).join('');
  return `${strip(a.slice(0, i))}${W}${strip(a.slice(a.length - j))}`;
}

const isCategorical = (t: string) => /^[A-Za-z_][\w.-]*=[A-Za-z_-]+$/.test(t);

/** A template miner, empty or restored from a snapshot (throws, naming the field, on a malformed one). */
export function createTemplateMiner(options: TemplateMinerOptions = {}, snapshot?: unknown): TemplateMiner {
  const maxClusters = options.maxClusters ?? 5000;
  const maxPerGroup = options.maxPerGroup ?? 100;
  const k = options.distinctValues ?? 3;
  const kCategorical = options.categoricalDistinctValues ?? 2 * k;
  if (!(maxClusters >= 1) || !(maxPerGroup >= 1) || !(k >= 2) || !(kCategorical >= 2)) throw new Error('template miner: maxClusters and maxPerGroup must be ≥ 1, distinctValues ≥ 2');

  const buckets = new Map<string, Cluster[]>();
  /** Every cluster by id, least recently used first (a Map keeps insertion order; a use re-inserts). */
  const clusters = new Map<string, Cluster>();
  /** Merged-away id → the id it merged into (chains are followed); oldest first, bounded. */
  const aliases = new Map<string, string>();
  let seq = 0;
  let tick = 0;

  const bucketKey = (toks: string[]) => `${toks.length} ${toks.length && toks[0]!.includes(W) ? W : (toks[0] ?? '')}`;

  function bucketFor(toks: string[]): Cluster[] {
    const key = bucketKey(toks);
    let b = buckets.get(key);
    if (!b) buckets.set(key, (b = []));
    return b;
  }

  function touch(c: Cluster) {
    c.lastUsed = ++tick;
    clusters.delete(c.id);
    clusters.set(c.id, c);
  }

  function addAlias(from: string, to: string) {
    aliases.delete(from);
    aliases.set(from, to);
    if (aliases.size > maxClusters) aliases.delete(aliases.keys().next().value!);
  }

  /** Fold `gone` into `keep`; the older of the two ids survives, on `keep`. */
  function merge(keep: Cluster, gone: Cluster) {
    for (let i = 0; i < keep.tokens.length; i++) keep.tokens[i] = generalise(keep.tokens[i]!, gone.tokens[i]!);
    keep.count += gone.count;
    const b = gone.bucket;
    b.splice(b.indexOf(gone), 1);
    clusters.delete(gone.id);
    if (gone.seq < keep.seq) {
      clusters.delete(keep.id);
      addAlias(keep.id, gone.id);
      keep.id = gone.id;
      keep.seq = gone.seq;
      clusters.set(keep.id, keep);
    } else addAlias(gone.id, keep.id);
  }

  /** A widened template may now accept a whole other template of its group: that one joins it. */
  function absorb(keep: Cluster) {
    const b = keep.bucket;
    for (let i = b.length - 1; i >= 0; i--) {
      const c = b[i]!;
      if (c !== keep && c.tokens.every((t, p) => accepts(keep.tokens[p]!, t))) merge(keep, c);
    }
  }

  function drop(c: Cluster) {
    clusters.delete(c.id);
    c.bucket.splice(c.bucket.indexOf(c), 1);
    if (c.bucket.length === 0) buckets.delete(bucketKey(c.tokens));
  }

  function evict(bucket: Cluster[]) {
    while (bucket.length > maxPerGroup) drop(bucket.reduce((a, c) => (c.lastUsed < a.lastUsed ? c : a)));
    while (clusters.size > maxClusters) drop(clusters.values().next().value!);
  }

  const info = (c: Cluster): TemplateInfo => ({ templateId: c.id, template: c.tokens.join(' '), count: c.count });

  function add(message: string): TemplateMatch {
    const toks = maskedTokens(message);
    const bucket = bucketFor(toks);
    let best: Cluster | null = null;
    let bestLiterals = -1;
    /** Per position: the templates that differ from this line at that position only. */
    let siblings: Map<number, Cluster[]> | null = null;
    for (const c of bucket) {
      let widen = 0;
      let misses = 0;
      let missAt = -1;
      let literals = 0;
      for (let i = 0; i < toks.length && misses < 2; i++) {
        // The first token is never widened, not even in the group of masked first tokens (`key=<*>` vs `<*>`).
        const f = i === 0 ? (accepts(c.tokens[0]!, toks[0]!) ? EXACT : MISS) : fit(c.tokens[i]!, toks[i]!);
        if (f === EXACT) {
          if (c.tokens[i] !== W) literals++;
        } else if (f === WIDEN) widen++;
        else {
          misses++;
          missAt = i;
        }
      }
      if (misses === 0 && widen <= 1) {
        // The most specific fit wins; ties go to the older template (bucket order), so results are deterministic.
        if (literals > bestLiterals) {
          best = c;
          bestLiterals = literals;
        }
      } else if (misses === 1 && widen === 0 && missAt > 0) {
        siblings ??= new Map();
        const s = siblings.get(missAt);
        if (s) s.push(c);
        else siblings.set(missAt, [c]);
      }
    }

    if (best) {
      let widened = false;
      for (let i = 0; i < toks.length; i++) {
        const t = best.tokens[i]!;
        if (t === toks[i] || t === W) continue;
        const g = generalise(t, toks[i]!);
        if (g !== t) {
          best.tokens[i] = g;
          widened = true;
        }
      }
      best.count++;
      if (widened) absorb(best);
      touch(best);
      return { templateId: best.id, template: best.tokens.join(' '), isNew: false };
    }

    for (const [p, sibs] of siblings ?? []) {
      const values = new Set(sibs.map((c) => c.tokens[p]!)).add(toks[p]!);
      if (values.size < ([...values].every(isCategorical) ? kCategorical : k)) continue;
      // Enough different words here with the rest equal: a variable. The siblings become one template.
      const keep = sibs.reduce((a, c) => (c.seq < a.seq ? c : a));
      for (const c of sibs) if (c !== keep) merge(keep, c);
      for (let i = 0; i < toks.length; i++) keep.tokens[i] = generalise(keep.tokens[i]!, toks[i]!);
      keep.count++;
      absorb(keep);
      touch(keep);
      return { templateId: keep.id, template: keep.tokens.join(' '), isNew: false };
    }

    const text = toks.join(' ');
    let id = hashId(text);
    // A hash prefix taken by another live template (vanishingly rare): derive another, deterministically.
    while (clusters.has(id)) id = hashId(`${id}:${text}`);
    aliases.delete(id);
    const c: Cluster = { id, tokens: toks, count: 1, seq: seq++, lastUsed: ++tick, bucket };
    bucket.push(c);
    clusters.set(id, c);
    evict(bucket);
    return { templateId: id, template: text, isNew: true };
  }

  function resolve(templateId: string): TemplateInfo | undefined {
    let id = templateId;
    for (let hops = 0; hops <= aliases.size && !clusters.has(id); hops++) {
      const next = aliases.get(id);
      if (next === undefined) return undefined;
      id = next;
    }
    const c = clusters.get(id);
    return c && info(c);
  }

  if (snapshot !== undefined) {
    const parsed = snapshotSchema.safeParse(snapshot);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`template miner snapshot: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    const ids = new Set(parsed.data.clusters.map((c) => c.id));
    if (ids.size !== parsed.data.clusters.length) throw new Error('template miner snapshot: clusters: an id appears twice');
    seq = parsed.data.seq;
    // Restored in snapshot order: bucket order (ties between equally specific templates) goes by age.
    for (const s of [...parsed.data.clusters].sort((a, b) => a.seq - b.seq)) {
      const c: Cluster = { id: s.id, tokens: [...s.tokens], count: s.count, seq: s.seq, lastUsed: 0, bucket: bucketFor(s.tokens) };
      c.bucket.push(c);
      clusters.set(c.id, c);
    }
    // …and recency as it was.
    for (const s of parsed.data.clusters) touch(clusters.get(s.id)!);
    for (const [from, to] of parsed.data.aliases) addAlias(from, to);
    for (const b of [...buckets.values()]) evict(b);
  }

  function idsOf(templateId: string): string[] {
    const current = resolve(templateId)?.templateId;
    if (current === undefined) return [];
    const ids = [current];
    for (const from of aliases.keys()) if (from !== current && resolve(from)?.templateId === current) ids.push(from);
    return ids;
  }

  return {
    add,
    resolve,
    idsOf,
    templates: () => [...clusters.values()].map(info).sort((a, b) => b.count - a.count || (a.templateId < b.templateId ? -1 : 1)),
    snapshot: () => ({
      version: 1,
      seq,
      clusters: [...clusters.values()].map((c) => ({ id: c.id, tokens: [...c.tokens], count: c.count, seq: c.seq })),
      aliases: [...aliases],
    }),
  };
}
