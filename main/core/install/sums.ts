import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * Parse a sha256sum-style file into file name → lowercase hex digest. Accepts both GNU text mode
 * (`<hex>  <file>`, promu's sha256sums.txt) and binary mode (`<hex> *<file>`, Jaeger's `shasum -b`).
 * Lines that are not a digest and a name (blank, comments) are ignored; a name listed twice with two
 * different digests is refused, since then neither can be trusted.
 */
export function parseSums(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(raw.trim());
    if (!m) continue;
    const digest = m[1]!.toLowerCase();
    // A leading "./" appears when sums are made with `find .`; the archive name is what matters.
    const name = m[2]!.trim().replace(/^\.\//, '');
    const seen = out.get(name);
    if (seen && seen !== digest) throw new Error(`the sums file lists ${name} twice with different digests`);
    out.set(name, digest);
  }
  return out;
}

/** SHA-256 of a file, streamed (archives are tens of MB). */
export function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const stream = createReadStream(file, { signal });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.once('error', reject);
    stream.once('end', () => resolve(hash.digest('hex')));
  });
}
