import http from 'node:http';

export interface PostAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A raw POST to 127.0.0.1 with full control of the headers (fetch will not send a foreign Host).
 * A server that answers early and closes (413) can reset the connection while the body is still being
 * written; the answer, when one came, is what counts, so a reset after it is not an error.
 */
export function post(port: number, path: string, body: Uint8Array | string, headers: Record<string, string | number> = {}, method = 'POST'): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request({ host: '127.0.0.1', port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.end(body);
  });
}
