/**
 * OTLP/JSON (the OTLP specification's JSON encoding: proto3 JSON mapping with lowerCamelCase keys,
 * except that trace and span ids are hex strings rather than base64, enums are integers, and 64-bit
 * integers may be strings). The ids are turned into bytes here; everything else goes through the
 * generated messages' `fromObject`, which applies the proto3 mapping (int64 strings, enum numbers)
 * and throws on wrong container types. Unknown keys are ignored, as the specification requires.
 */
import type { PreErrors } from './convert';
import { LogsRequest, TraceRequest, type PbLogsRequest, type PbTraceRequest } from './proto';

/** A request body that cannot be decoded at all; answered 400 with this message. */
export class BadPayload extends Error {
  override readonly name = 'BadPayload';
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function parseObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new BadPayload(`body is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(parsed)) throw new BadPayload('body must be a JSON object');
  return parsed;
}

/** Replace hex id fields of `o` by bytes; an id that is not hex becomes a per-record error. */
function hexIds(o: Record<string, unknown>, fields: string[], key: string, pre: PreErrors | null): void {
  for (const f of fields) {
    const v = o[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || !HEX.test(v)) {
      if (pre) pre.set(key, `${f} is not a hex string`);
      delete o[f];
      continue;
    }
    o[f] = Buffer.from(v, 'hex');
  }
}

function fromObject<T>(type: { fromObject(o: Record<string, unknown>): T }, o: Record<string, unknown>): T {
  try {
    return type.fromObject(o);
  } catch (err) {
    // protobufjs names the path: ".opentelemetry…ExportTraceServiceRequest.resourceSpans: array expected".
    throw new BadPayload(`body does not match the OTLP message: ${(err as Error).message.replace(/^\.opentelemetry\.proto\.[\w.]+?\.(Export\w+)\./, '$1.')}`);
  }
}

export function traceRequestFromJson(text: string): { request: PbTraceRequest; pre: PreErrors } {
  const body = parseObject(text);
  const pre: PreErrors = new Map();
  list(body.resourceSpans).forEach((rs, r) => {
    if (!isObject(rs)) return;
    list(rs.scopeSpans).forEach((ss, s) => {
      if (!isObject(ss)) return;
      list(ss.spans).forEach((sp, i) => {
        if (!isObject(sp)) return;
        const key = `${r}.${s}.${i}`;
        hexIds(sp, ['traceId', 'spanId', 'parentSpanId'], key, pre);
        // A link with a bad id is dropped later (counted), not the span.
        for (const l of list(sp.links)) if (isObject(l)) hexIds(l, ['traceId', 'spanId'], key, null);
      });
    });
  });
  return { request: fromObject(TraceRequest, body), pre };
}

export function logsRequestFromJson(text: string): { request: PbLogsRequest; pre: PreErrors } {
  const body = parseObject(text);
  const pre: PreErrors = new Map();
  list(body.resourceLogs).forEach((rl, r) => {
    if (!isObject(rl)) return;
    list(rl.scopeLogs).forEach((sl, s) => {
      if (!isObject(sl)) return;
      list(sl.logRecords).forEach((lr, i) => {
        if (isObject(lr)) hexIds(lr, ['traceId', 'spanId'], `${r}.${s}.${i}`, pre);
      });
    });
  });
  return { request: fromObject(LogsRequest, body), pre };
}

export function decodeProtobuf<T>(type: { decode(b: Uint8Array): T }, bytes: Uint8Array): T {
  try {
    return type.decode(bytes);
  } catch (err) {
    throw new BadPayload(`body is not a valid protobuf message: ${(err as Error).message}`);
  }
}
