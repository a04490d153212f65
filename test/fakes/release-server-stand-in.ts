import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stand-in does to one path, to exercise a failure the real GitHub (or a mirror) can show. */
export interface Fault {
  /** Send the full Content-Length, then only this many bytes, then drop the connection (first `times` requests). */
  cutAfter?: number;
  times?: number;
  /** Answer Range requests with the whole file and 200, as servers without Range support do. */
  ignoreRange?: boolean;
  /** Answer with this status instead (404: not published). */
  status?: number;
  /** Answer 302 to this path, as GitHub redirects release downloads to its object store. */
  redirectTo?: string;
}

/** One request the stand-in saw. */
export interface SeenRequest {
  path: string;
  range: string | null;
  status: number;
}

export interface ReleaseServer {
  /** http://127.0.0.1:<port>, to use as install.mirror. */
  url: string;
  requests: SeenRequest[];
  files: Map<string, Buffer>;
  faults: Map<string, Fault>;
  close(): Promise<void>;
}

/**
 * A stand-in for GitHub's release downloads, on 127.0.0.1 and a free port: serves files by URL path
 * (`/<owner>/<repo>/releases/download/v<ver>/<file>`), honours `Range: bytes=N-` with 206 and
 * Content-Range as GitHub's object store does, and injects faults per path.
 */
export async function startReleaseServer(files: Map<string, Buffer>): Promise<ReleaseServer> {
  const requests: SeenRequest[] = [];
  const faults = new Map<string, Fault>();
  // Counted per fault object, so a fault set later starts from its first request.
  const served = new WeakMap<Fault, number>();
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const range = req.headers.range ?? null;
    const record = (status: number) => requests.push({ path: urlPath, range, status });
    const fault = faults.get(urlPath) ?? {};
    const body = files.get(urlPath);
    if (fault.redirectTo) {
      record(302);
      res.writeHead(302, { location: fault.redirectTo }).end();
      return;
    }
    if (fault.status) {
      record(fault.status);
      res.writeHead(fault.status, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    if (!body) {
      record(404);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    const n = (served.get(fault) ?? 0) + 1;
    served.set(fault, n);
    const m = range && !fault.ignoreRange ? /^bytes=(\d+)-$/.exec(range) : null;
    let start = 0;
    if (m) {
      start = Number(m[1]);
      if (start >= body.length) {
        record(416);
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      record(206);
      res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}`, 'accept-ranges': 'bytes' });
    } else {
      record(200);
      res.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' });
    }
    const slice = body.subarray(start);
    if (fault.cutAfter !== undefined && n <= (fault.times ?? 1)) {
      res.write(slice.subarray(0, fault.cutAfter), () => {
        // Give the bytes time to leave, then cut the connection mid-body.
        setTimeout(() => res.socket?.destroy(), 20);
      });
      return;
    }
    res.end(slice);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    files,
    faults,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
