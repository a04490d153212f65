import { describe, expect, it } from 'vitest';
import { fsFailure, InstallError, networkFailure } from './errors';

const errno = (code: string) => Object.assign(new Error(`${code} something`), { code });

describe('networkFailure', () => {
  it.each([
    ['ENOTFOUND', 'dns', /could not resolve github.com/],
    ['EAI_AGAIN', 'dns', /DNS/],
    ['ENETUNREACH', 'offline', /offline/],
    ['ECONNREFUSED', 'refused', /refused the connection/],
    ['ETIMEDOUT', 'timeout', /did not answer in time/],
    ['ECONNRESET', 'network', /ECONNRESET/],
  ])('%s is a %s failure naming the host, with a fix', (code, kind, message) => {
    const e = networkFailure(errno(code), 'https://github.com/prometheus/prometheus/releases/download/v3.14.0/sha256sums.txt');
    expect(e.kind).toBe(kind);
    expect(e.message).toMatch(message);
    expect(e.fix.length).toBeGreaterThan(10);
  });

  it('keeps an InstallError as it is', () => {
    const original = new InstallError('checksum', 'x', 'y');
    expect(networkFailure(original, 'http://x')).toBe(original);
  });
});

describe('fsFailure', () => {
  it('names disk full and permission problems with the path, and nothing else', () => {
    expect(fsFailure(errno('ENOSPC'), '/h/runtimes')).toMatchObject({ kind: 'disk-full', message: expect.stringContaining('/h/runtimes') });
    expect(fsFailure(errno('EDQUOT'), '/h')?.kind).toBe('disk-full');
    expect(fsFailure(errno('EACCES'), '/h/runtimes')).toMatchObject({ kind: 'permission', fix: expect.stringContaining('writable') });
    expect(fsFailure(errno('EROFS'), '/h')?.kind).toBe('permission');
    expect(fsFailure(errno('ECONNRESET'), '/h')).toBeNull();
  });
});
