/**
 * The official OTLP protobuf messages, through the protobufjs static module that OpenTelemetry JS
 * generates from opentelemetry-proto and ships in @opentelemetry/otlp-transformer. Pinned to 0.214.0:
 * the last release whose generated root holds the traces and logs collector messages (later releases
 * replaced protobufjs with hand-written serializers that are not public API). The generated module is
 * untyped (`export = Root`), so the shapes protobufjs produces are declared here: what decode and
 * fromObject return and what encode takes.
 */
import root from '@opentelemetry/otlp-transformer/build/src/generated/root.js';
import protobuf from 'protobufjs/minimal.js';

/** protobufjs' 64-bit integer (the `long` package) as decode returns it. */
export interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
  toString(): string;
}
export type Int64 = number | string | LongLike;

export interface PbAnyValue {
  /** Which oneof member is set (protobufjs' virtual oneof field). */
  value?: 'stringValue' | 'boolValue' | 'intValue' | 'doubleValue' | 'arrayValue' | 'kvlistValue' | 'bytesValue';
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64 | null;
  doubleValue?: number | null;
  arrayValue?: { values?: PbAnyValue[] | null } | null;
  kvlistValue?: { values?: PbKeyValue[] | null } | null;
  bytesValue?: Uint8Array | null;
}
export interface PbKeyValue {
  key?: string | null;
  value?: PbAnyValue | null;
}
export interface PbResource {
  attributes?: PbKeyValue[] | null;
}
export interface PbScope {
  name?: string | null;
  version?: string | null;
}
export interface PbSpanEvent {
  timeUnixNano?: Int64 | null;
  name?: string | null;
  attributes?: PbKeyValue[] | null;
}
export interface PbSpanLink {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  attributes?: PbKeyValue[] | null;
}
export interface PbSpan {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  parentSpanId?: Uint8Array | null;
  name?: string | null;
  kind?: number | null;
  startTimeUnixNano?: Int64 | null;
  endTimeUnixNano?: Int64 | null;
  attributes?: PbKeyValue[] | null;
  events?: PbSpanEvent[] | null;
  links?: PbSpanLink[] | null;
  status?: { code?: number | null; message?: string | null } | null;
}
export interface PbTraceRequest {
  resourceSpans?: { resource?: PbResource | null; scopeSpans?: { scope?: PbScope | null; spans?: PbSpan[] | null }[] | null }[] | null;
}
export interface PbLogRecord {
  timeUnixNano?: Int64 | null;
  observedTimeUnixNano?: Int64 | null;
  severityNumber?: number | null;
  severityText?: string | null;
  body?: PbAnyValue | null;
  attributes?: PbKeyValue[] | null;
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  eventName?: string | null;
}
export interface PbLogsRequest {
  resourceLogs?: { resource?: PbResource | null; scopeLogs?: { scope?: PbScope | null; logRecords?: PbLogRecord[] | null }[] | null }[] | null;
}

interface MessageType<T> {
  decode(bytes: Uint8Array): T;
  encode(message: T): { finish(): Uint8Array };
  fromObject(object: Record<string, unknown>): T;
  toObject(message: T, options?: Record<string, unknown>): Record<string, unknown>;
}

interface GeneratedRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: MessageType<PbTraceRequest>; ExportTraceServiceResponse: MessageType<ExportResponse> } };
        logs: { v1: { ExportLogsServiceRequest: MessageType<PbLogsRequest>; ExportLogsServiceResponse: MessageType<ExportResponse> } };
      };
    };
  };
}

/** ExportTraceServiceResponse / ExportLogsServiceResponse (partialSuccess holds rejectedSpans or rejectedLogRecords). */
export interface ExportResponse {
  partialSuccess?: { rejectedSpans?: Int64; rejectedLogRecords?: Int64; errorMessage?: string } | null;
}

const collector = (root as unknown as GeneratedRoot).opentelemetry.proto.collector;

export const TraceRequest = collector.trace.v1.ExportTraceServiceRequest;
export const TraceResponse = collector.trace.v1.ExportTraceServiceResponse;
export const LogsRequest = collector.logs.v1.ExportLogsServiceRequest;
export const LogsResponse = collector.logs.v1.ExportLogsServiceResponse;

/** gRPC status code INVALID_ARGUMENT, what an OTLP/HTTP 400 carries. */
export const RPC_INVALID_ARGUMENT = 3;

/**
 * google.rpc.Status { int32 code = 1; string message = 2; }, the body OTLP/HTTP gives every 4xx/5xx.
 * It is not in the generated root, so it is written with protobufjs' own writer.
 */
export function encodeRpcStatus(code: number, message: string): Uint8Array {
  return protobuf.Writer.create().uint32(8).int32(code).uint32(18).string(message).finish();
}

/** A LongLike, string or number of nanoseconds → microseconds (exact: via BigInt). */
export function nanosToMicros(v: Int64 | null | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return Math.floor(v / 1000);
  const big = typeof v === 'string' ? BigInt(v) : (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return Number(big / 1000n);
}

/** An int64 attribute value: a number when it fits a double exactly, else its decimal string. */
export function int64Value(v: Int64): number | string {
  if (typeof v === 'number') return v;
  const s = typeof v === 'string' ? v : v.toString();
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : s;
}
