/**
 * The duration a log record reports, in milliseconds, and the route or operation it belongs to: what
 * `LogRecord.durationMs` and `LogRecord.route` are filled from, for latency per route or per pattern.
 *
 * Fields are read first, then the message. Field names are compared without case or separators
 * (`duration_ms`, `durationMs` and `Duration-MS` are one name); the unit comes from the name's suffix
 * (`_ms`, `_us`, `_ns`, `_s`/`_seconds`) or from a string value (`"12ms"`, `"1.5s"`, Go's `"1m2.5s"`).
 * A bare number without a unit is taken as milliseconds, the convention of Node loggers (pino-http's
 * `responseTime`, the instrumentation kit's `duration_ms`), except where a well-known format says
 * otherwise: nginx's `request_time` / `upstream_response_time` are seconds, ECS's `event.duration`
 * is nanoseconds. Messages: `took 12ms`, `in 1.2 s`, `elapsed=350µs`, `duration: 12 ms`,
 * `GET /v1/x 200 12.3 ms`. Nothing found is null, never 0.
 */
import type { AttributeValue, Attributes } from '../../store/records';

export interface LoggedLatency {
  /** null when the record states no duration. */
  durationMs: number | null;
  /** `METHOD /route` or `/path` or an operation name; null when the record names none. */
  route: string | null;
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6, nanos: 1e-6, nanoseconds: 1e-6, nanosecond: 1e-6,
  us: 1e-3, µs: 1e-3, μs: 1e-3, micros: 1e-3, microseconds: 1e-3, microsecond: 1e-3,
  ms: 1, millis: 1, milliseconds: 1, millisecond: 1, msec: 1, msecs: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hour: 3_600_000, hours: 3_600_000,
};

// Normalised field names (lowercase, letters and digits only) that hold a duration, with the unit of a bare number.
const DURATION_BASES = ['duration', 'latency', 'elapsed', 'elapsedtime', 'took', 'responsetime', 'requestduration', 'timetaken', 'rt'];
const SUFFIX_UNITS: Array<[string, number]> = [
  ['milliseconds', 1], ['millis', 1], ['ms', 1],
  ['microseconds', 1e-3], ['micros', 1e-3], ['us', 1e-3], ['µs', 1e-3],
  ['nanoseconds', 1e-6], ['nanos', 1e-6], ['ns', 1e-6],
  ['seconds', 1000], ['secs', 1000], ['sec', 1000], ['s', 1000],
];
const SPECIAL_FIELDS: Record<string, number> = { requesttime: 1000, upstreamresponsetime: 1000, eventduration: 1e-6 };

/** The unit (ms per unit) of a bare number under this normalised field name, or undefined when it names no duration. */
function fieldUnit(norm: string): number | undefined {
  if (norm in SPECIAL_FIELDS) return SPECIAL_FIELDS[norm];
  for (const base of DURATION_BASES) {
    if (!norm.startsWith(base)) continue;
    const rest = norm.slice(base.length);
    if (rest === '') return 1;
    const unit = SUFFIX_UNITS.find(([s]) => s === rest);
    if (unit) return unit[1];
  }
  return undefined;
}

const normalise = (key: string) => key.toLowerCase().replace(/[^a-z0-9µ]/g, '');

const NUM = String.raw`(\d+(?:\.\d+)?)`;
const UNIT = String.raw`(ns|us|µs|μs|ms|milliseconds?|msecs?|s|secs?|seconds?|m|mins?|minutes?|h|hours?)`;
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|μs|ns))+$/;

/** Milliseconds in a duration string: `12ms`, `1.5 s`, `350µs`, Go's `1m2.5s`; null when it is not one. */
export function parseDurationString(text: string): number | null {
  const s = text.trim();
  if (GO_DURATION.test(s)) {
    let total = 0;
    for (const [, n, u] of s.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|μs|ns)/g)) total += Number(n) * UNIT_MS[u!]!;
    return total;
  }
  const m = new RegExp(String.raw`^${NUM}\s*${UNIT}$`, 'i').exec(s);
  return m ? Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]! : null;
}

/** Top-level fields and one level of nested objects (`req.url`, `event.duration`), by normalised dotted name. */
function flatFields(attributes: Attributes): Map<string, AttributeValue> {
  const out = new Map<string, AttributeValue>();
  for (const [k, v] of Object.entries(attributes)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v)) out.set(normalise(`${k}${k2}`), v2);
    }
    out.set(normalise(k), v);
  }
  return out;
}

function durationFromFields(fields: Map<string, AttributeValue>): number | null {
  for (const [key, value] of fields) {
    const unit = fieldUnit(key);
    if (unit === undefined) continue;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * unit;
    if (typeof value === 'string') {
      const parsed = parseDurationString(value);
      if (parsed !== null) return parsed;
      if (/^\d+(?:\.\d+)?$/.test(value.trim())) return Number(value) * unit;
    }
  }
  return null;
}

const MESSAGE_PATTERNS = [
  // duration=12ms, latency: 5 ms, elapsed=350µs, response_time=0.2s
  new RegExp(String.raw`\b(?:duration|latency|elapsed|took|response[_ ]?time|time[_ ]?taken)(?:[_ ]?ms)?\s*[=:]\s*"?${NUM}\s*${UNIT}?(?![\w.])`, 'i'),
  // took 12ms, completed in 1.2 s, timed out after 30 seconds
  new RegExp(String.raw`\b(?:took|in|after|elapsed|taking|lasted)\s+${NUM}\s*${UNIT}(?![\w.])`, 'i'),
  // access logs: GET /v1/x 200 12.3 ms
  new RegExp(String.raw`\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+\S+.*?\s${NUM}\s?(ms)\b`),
];
const GO_IN_MESSAGE = /\b(?:took|in|after|elapsed|duration|latency)[=:\s]+((?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|μs|ns))+)(?![\w.])/i;

function durationFromMessage(message: string): number | null {
  for (const re of MESSAGE_PATTERNS) {
    const m = re.exec(message);
    // A keyword=number without a unit in the text is milliseconds, like a bare field.
    if (m) return Number(m[1]) * (m[2] ? UNIT_MS[m[2].toLowerCase()]! : 1);
  }
  const go = GO_IN_MESSAGE.exec(message);
  return go ? parseDurationString(go[1]!) : null;
}

const METHODS = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|CONNECT|TRACE)$/i;

/**
 * A request path as a route: query and host dropped, and segments that hold a digit (ids, hashes,
 * dates; not API versions like `v1`) as `:id`, so `/users/123` and `/users/456` are one route.
 */
export function routeFromPath(raw: string): string {
  let p = raw.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  p = p.split(/[?#]/, 1)[0]!;
  if (!p.startsWith('/')) p = `/${p}`;
  return p
    .split('/')
    .map((seg) => (/\d/.test(seg) && !/^v\d+(?:\.\d+)*$/i.test(seg) ? '{id}' : seg))
    .join('/');
}

const str = (v: AttributeValue | undefined) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

function routeFromFields(fields: Map<string, AttributeValue>): string | null {
  const method = str(fields.get('method')) ?? str(fields.get('reqmethod')) ?? str(fields.get('httpmethod')) ?? str(fields.get('httprequestmethod'));
  const m = method && METHODS.test(method) ? `${method.toUpperCase()} ` : '';
  // A declared route is already a template (the kit's `route`, OpenTelemetry's `http.route`).
  const declared = str(fields.get('route')) ?? str(fields.get('httproute'));
  if (declared) return `${m}${declared}`;
  const path = str(fields.get('path')) ?? str(fields.get('urlpath')) ?? str(fields.get('requrl')) ?? str(fields.get('url')) ?? str(fields.get('httptarget')) ?? str(fields.get('httpurl'));
  if (path) return `${m}${routeFromPath(path)}`;
  return str(fields.get('operation')) ?? str(fields.get('endpoint')) ?? str(fields.get('op'));
}

function routeFromMessage(message: string): string | null {
  const m = /\b(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+((?:https?:\/\/\S+)|\/[^\s"']*)/.exec(message);
  return m ? `${m[1]} ${routeFromPath(m[2]!)}` : null;
}

/** The duration and route a record states (fields first, then its message). Pure; never throws. */
export function extractLoggedLatency(record: { message: string; attributes: Attributes }): LoggedLatency {
  const fields = flatFields(record.attributes);
  return {
    durationMs: durationFromFields(fields) ?? durationFromMessage(record.message),
    route: routeFromFields(fields) ?? routeFromMessage(record.message),
  };
}
