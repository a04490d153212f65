/**
 * A stand-in for Jaeger v2's OTLP/HTTP receiver (the OpenTelemetry Collector `otlp` receiver), which
 * cannot run here: it takes `POST /v1/traces` with `application/x-protobuf` as the OTLP specification
 * describes, decodes the ExportTraceServiceRequest with the same generated OpenTelemetry messages the
 * real collector's are generated from, and answers 200 with an empty ExportTraceServiceResponse — or,
 * when told to, the retryable 503 (with Retry-After) or a 400 the way the collector does.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spansFromRequest } from '../../main/core/otlp/convert';
import { DEFAULT_ATTRIBUTE_LIMITS } from '../../main/core/otlp/attributes';
import { TraceRequest, TraceResponse, type PbTraceRequest } from '../../main/core/otlp/proto';
import type { SpanRecord } from '../../main/core/store/records';

export interface OtlpStandIn {
  url: string;
  /** Every request body decoded, in arrival order. */
  requests: PbTraceRequest[];
  /** The spans of all accepted requests, as SpanRecords. */
  spans(): SpanRecord[];
  /** Answer the next `n` requests with this status (503 carries Retry-After: 1). */
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

export async function startOtlpStandIn(): Promise<OtlpStandIn> {
  const requests: PbTraceRequest[] = [];
  const accepted: PbTraceRequest[] = [];
  let failures: { left: number; status: number } = { left: 0, status: 503 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || req.headers['content-type'] !== 'application/x-protobuf') {
        res.writeHead(req.url === '/v1/traces' ? 415 : 404).end();
        return;
      }
      let decoded: PbTraceRequest;
      try {
        decoded = TraceRequest.decode(Buffer.concat(chunks));
      } catch {
        res.writeHead(400).end();
        return;
      }
      requests.push(decoded);
      if (failures.left > 0) {
        failures.left--;
        res.writeHead(failures.status, failures.status === 503 ? { 'retry-after': '1' } : {}).end();
        return;
      }
      accepted.push(decoded);
      const body = TraceResponse.encode({}).finish();
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': body.length }).end(Buffer.from(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    requests,
    spans: () => accepted.flatMap((r) => spansFromRequest(r, DEFAULT_ATTRIBUTE_LIMITS).records),
    failNext(n, status) {
      failures = { left: n, status };
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
