import http from 'node:http';
import https from 'node:https';
import { cancelled, networkFailure } from './errors';

/** A response whose body has not been read yet. */
export interface GetResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The URL that answered, after redirects. */
  url: string;
  body: http.IncomingMessage;
}

export interface GetOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** No byte for this long (connect, headers or body) ends the request with ETIMEDOUT. */
  idleTimeoutMs?: number;
}

/** Where release downloads go over the network. Tests and the bench point it at a loopback server. */
export type HttpGet = (url: string, opts?: GetOptions) => Promise<GetResponse>;

const MAX_REDIRECTS = 5;

/**
 * GET with node:http(s), following redirects (GitHub answers release downloads with a 302 to its object
 * store). A redirect from https to plain http is refused: the sums file is only as trustworthy as the
 * connection it came over. Rejects with an InstallError naming the host.
 */
export const httpGet: HttpGet = async (url, opts = {}) => {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await once(current, opts);
    if (res.status >= 300 && res.status < 400 && res.headers.location) {
      res.body.resume();
      const next = new URL(res.headers.location, current).toString();
      if (current.startsWith('https:') && !next.startsWith('https:')) {
        throw networkFailure(new Error(`refused a redirect from https to ${next}`), current);
      }
      current = next;
      continue;
    }
    return res;
  }
  throw networkFailure(new Error(`more than ${MAX_REDIRECTS} redirects`), url);
};

function once(url: string, opts: GetOptions): Promise<GetResponse> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(cancelled('the download'));
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.get(url, { headers: { 'user-agent': 'Lookout', ...opts.headers }, signal: opts.signal }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers, url, body: res });
    });
    req.setTimeout(opts.idleTimeoutMs ?? 30_000, () => {
      req.destroy(Object.assign(new Error('no data for too long'), { code: 'ETIMEDOUT' }));
    });
    req.once('error', (err: NodeJS.ErrnoException) => {
      if (opts.signal?.aborted || err.name === 'AbortError') return reject(cancelled('the download'));
      reject(networkFailure(err, url));
    });
  });
}

/** Read a small body (a sums file) as text, refusing anything over `limit` bytes. */
export async function readText(res: GetResponse, limit = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.body.destroy();
      throw networkFailure(new Error(`${res.url} is larger than ${limit} bytes; not a sums file`), res.url);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
