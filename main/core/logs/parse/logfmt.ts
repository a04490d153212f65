/**
 * logfmt (`key=value key2="quoted \"value\""`), the format of go-kit's and slog's text handlers
 * (Prometheus, Alertmanager, node_exporter, Grafana, Loki). Hand-written rather than a dependency: the
 * npm `logfmt` package is unmaintained and allocates a stream per call, and this runs on every line.
 * Follows go-logfmt: a key is any run of characters other than space, `=` and `"`; a bare key has an
 * empty value; quoted values take Go escapes (`\"`, `\\`, `\n`, `\t`, `\uXXXX`).
 */

const SPACE = 32;
const EQ = 61;
const QUOTE = 34;
const BACKSLASH = 92;

function unquote(raw: string): string {
  if (raw.indexOf('\\') === -1) return raw;
  return raw.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'u': return String.fromCharCode(parseInt(e.slice(1), 16));
      default: return e;
    }
  });
}

/**
 * The pairs of a logfmt line, or null when the line is not logfmt: its first token must be `key=value`,
 * and a line with words that are not pairs needs at least two pairs (so `error=x while reading` stays plain).
 */
export function parseLogfmt(line: string, from = 0): Record<string, string> | null {
  const out: Record<string, string> = {};
  const n = line.length;
  let i = from;
  let pairs = 0;
  let bare = 0;
  while (i < n) {
    while (i < n && line.charCodeAt(i) <= SPACE) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n) {
      const c = line.charCodeAt(i);
      if (c <= SPACE || c === EQ || c === QUOTE) break;
      i++;
    }
    const key = line.slice(keyStart, i);
    if (key.length === 0) return null; // a stray `=` or `"` where a key should start
    if (i >= n || line.charCodeAt(i) !== EQ) {
      if (pairs === 0) return null;
      bare++;
      out[key] = '';
      continue;
    }
    i++; // '='
    let value: string;
    if (i < n && line.charCodeAt(i) === QUOTE) {
      const start = ++i;
      while (i < n) {
        const c = line.charCodeAt(i);
        if (c === BACKSLASH) i += 2;
        else if (c === QUOTE) break;
        else i++;
      }
      if (i > n) i = n;
      value = unquote(line.slice(start, i));
      i++; // closing quote (or past the end of an unterminated one)
    } else {
      const start = i;
      while (i < n && line.charCodeAt(i) > SPACE) i++;
      value = line.slice(start, i);
    }
    out[key] = value;
    pairs++;
  }
  if (pairs === 0 || (bare > 0 && pairs < 2)) return null;
  return out;
}

/** True when the text at `from` begins like a logfmt pair (`key=`), a cheap test before parsing. */
export function looksLikeLogfmt(line: string, from = 0): boolean {
  const limit = Math.min(line.length, from + 64);
  for (let i = from; i < limit; i++) {
    const c = line.charCodeAt(i);
    if (c === EQ) return i > from;
    if (c <= SPACE || c === QUOTE) return false;
  }
  return false;
}
