import { describe, expect, it } from 'vitest';
import { MAX_TOKENS, maskedTokens } from './mask';

const masked = (s: string) => maskedTokens(s).join(' ');

describe('maskedTokens', () => {
  it('masks tokens holding digits, keeping brackets, punctuation and key= prefixes around them', () => {
    expect(masked('Running task 0.0 in stage 1.0 (TID 8)')).toBe('Running task <*> in stage <*> (TID <*>)');
    expect(masked('session opened for user test by LOGIN(uid=0)')).toBe('session opened for user test by LOGIN(uid=<*>)');
    expect(masked('Receiving block blk_-160 src: /10.250.19.102:54106 dest: /10.250.19.102:50010')).toBe('Receiving block <*> src: <*> dest: <*>');
    expect(masked('id 3f2b1c9e-0a4d-4b8e-9f7a-1c2d3e4f5a6b at 0xdeadbeef')).toBe('id <*> at <*>');
  });

  it('folds a unit into its number and a date into one variable', () => {
    expect(masked('Block x stored (estimated size 5.2 KB, free 93.0 B)')).toBe('Block x stored (estimated size <*>, free <*>)');
    expect(masked('Reading broadcast variable 9 took 14 ms')).toBe('Reading broadcast variable <*> took <*>');
    expect(masked('connection from 1.2.3.4 () at Fri Jun 17 07:07:00 2005')).toBe('connection from <*> () at <*>');
    // The verb is not a month.
    expect(masked('this may 3 times')).toBe('this may <*> times');
  });

  it('masks URLs and absolute paths, not words or a lone slash', () => {
    expect(masked('Directory index forbidden by rule: /var/www/html/')).toBe('Directory index forbidden by rule: <*>');
    expect(masked('GET https://example.com/a ok / done')).toBe('GET <*> ok / done');
  });

  it('keeps plain words and categorical key=word values: the miner decides about those', () => {
    expect(masked('authentication failure; logname= uid=0 tty=NODEVssh user=root')).toBe('authentication failure; logname= uid=<*> tty=NODEVssh user=root');
  });

  it('splits a compact JSON line into its members', () => {
    expect(maskedTokens('{"level":30,"time":1700000000123,"service":"llm","msg":"request done"}')).toEqual([
      '{"level":<*>,',
      '"time":<*>,',
      '"service":"llm",',
      '"msg":"request',
      'done"}',
    ]);
  });

  it('bounds what a huge line costs', () => {
    const toks = maskedTokens(Array.from({ length: 10_000 }, (_, i) => `w${i % 7 ? 'x' : ''}word`).join(' '));
    expect(toks.length).toBeLessThanOrEqual(MAX_TOKENS);
    expect(maskedTokens('')).toEqual([]);
    expect(maskedTokens('x'.repeat(2_000_000))).toHaveLength(1);
  });
});
