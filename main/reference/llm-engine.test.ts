import { describe, expect, it } from 'vitest';
import { composeCompletion, countTokens, generationMs, LruCache } from './llm-engine';
import { MemoryStore, SEED_ITEMS, terms } from './memory-store';

describe('the reference model', () => {
  it('counts words and punctuation marks as tokens', () => {
    expect(countTokens('Hello, world!')).toBe(4);
    expect(countTokens('  ')).toBe(0);
    expect(countTokens('naïve café 42')).toBe(3);
  });

  it('builds completions from context, capped at max_tokens words', () => {
    expect(composeCompletion('q', ['alpha beta', 'gamma'], 4)).toBe('From 2 notes in');
    expect(composeCompletion('q', ['alpha beta'], 100)).toBe('From 1 note in memory: alpha beta');
    expect(composeCompletion('what now', [], 100)).toBe('Nothing in memory matches. You asked: what now');
  });

  it('takes longer for longer completions', () => {
    expect(generationMs(10, 50, 2)).toBe(70);
  });

  it('evicts the least recently used entry', () => {
    const c = new LruCache<number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1);
    c.set('c', 3);
    expect(c.get('b')).toBeUndefined();
    expect([c.get('a'), c.get('c'), c.size]).toEqual([1, 3, 2]);
    expect(() => new LruCache(0)).toThrow('at least 1');
  });
});

describe('MemoryStore', () => {
  it('finds the closest items first and ignores unrelated ones', () => {
    const s = new MemoryStore();
    for (const t of SEED_ITEMS) s.add(t);
    const hits = s.search('Which unix socket does the memory server use?', 3);
    expect(hits.length).toBe(3);
    expect(hits[0]!.text).toContain('Unix socket');
    expect(hits.every((h, i) => i === 0 || hits[i - 1]!.score >= h.score)).toBe(true);
    expect(s.search('zzzz qqqq')).toEqual([]);
    expect(s.search('')).toEqual([]);
  });

  it('adds, gets and deletes items with sequential ids, refusing empty or huge text', () => {
    const s = new MemoryStore();
    const a = s.add('first note');
    expect(a.id).toBe('1');
    expect(s.get('1')?.text).toBe('first note');
    expect(s.delete('1')).toBe(true);
    expect(s.delete('1')).toBe(false);
    expect(s.size).toBe(0);
    expect(() => s.add('   ')).toThrow('must not be empty');
    expect(() => s.add('x'.repeat(10_001))).toThrow('longer than');
    expect(terms('Hello, Wörld 42!')).toEqual(['hello', 'wörld', '42']);
  });
});
