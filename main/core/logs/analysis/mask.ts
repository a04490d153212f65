/**
 * Turning a log message into the token sequence the template miner compares: split on whitespace,
 * then mask what is generically a variable, the same way for every log (no per-source patterns).
 *
 * What is masked, and why each rule is safe to apply everywhere:
 * - a token holding a digit (numbers, IPs, ports, hex ids, UUIDs, block ids, versions, times): numbers
 *   are almost never what tells two events apart, and a constant with a digit (`ssh2`) is constant in
 *   its template anyway, so masking it never splits a group. Surrounding brackets and punctuation are
 *   kept (`(TID 8).` → `(TID <*>).`), and a `key=` / `key:` prefix too (`uid=0` → `uid=<*>`), so the
 *   template still reads like the line;
 * - a number's unit (`5.2 KB,` `14 ms` `30 seconds`): the unit varies with the magnitude, so it is
 *   part of the variable;
 * - month and weekday names next to a masked number (`Fri Jun 17 07:07:00 2005`): dates;
 * - URLs and absolute paths with at least two segments, which vary without holding digits;
 * - a run of adjacent variables becomes one `<*>`, so a variable that spans a varying number of
 *   tokens (a date, a list of numbers) still gives one template.
 * Plain words are never masked here: telling a variable word (a user name) from a constant one is
 * the miner's job, from what it has seen.
 */

export const WILDCARD = '<*>';

/** Longer messages are cut here before tokenising: templates come from the start of a line, and a 1 MB line must not cost 1 MB of tokens. */
export const MAX_MESSAGE_CHARS = 4096;
/** Tokens past this many are folded into one trailing wildcard. */
export const MAX_TOKENS = 96;

const UNITS = new Set([
  'b', 'kb', 'mb', 'gb', 'tb', 'kib', 'mib', 'gib', 'tib', 'bytes', 'k', 'm', 'g',
  'ns', 'us', 'µs', 'μs', 'ms', 's', 'sec', 'secs', 'second', 'seconds', 'min', 'mins', 'minute', 'minutes', 'h', 'hr', 'hrs', 'hour', 'hours',
]);
const DATE_WORDS = new Set([
  'jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun',
  'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
]);

const isDigit = (c: number) => c >= 48 && c <= 57;
// Leading brackets and quotes, trailing brackets, quotes and sentence punctuation: kept around a masked core.
const isLead = (c: number) => c === 40 || c === 91 || c === 123 || c === 60 || c === 39 || c === 34; // ( [ { < ' "
const isTrail = (c: number) => c === 41 || c === 93 || c === 125 || c === 62 || c === 39 || c === 34 || c === 44 || c === 59 || c === 58 || c === 46 || c === 33 || c === 63; // ) ] } > ' " , ; : . ! ?

/** The token with its variable core masked, or the token itself when nothing in it is variable. */
function maskToken(tok: string): string {
  let hasDigit = false;
  for (let i = 0; i < tok.length; i++) {
    if (isDigit(tok.charCodeAt(i))) {
      hasDigit = true;
      break;
    }
  }
  if (!hasDigit) {
    // URLs and absolute paths vary without digits (/var/www/html/); a lone `/` or `/x` is a word.
    const c0 = tok.charCodeAt(0);
    if (tok.includes('://')) return WILDCARD;
    if ((c0 === 47 || isLead(c0)) && tok.indexOf('/', tok.indexOf('/') + 1) > 0) return WILDCARD;
    return tok;
  }
  let a = 0;
  let b = tok.length;
  while (a < b && isLead(tok.charCodeAt(a))) a++;
  while (b > a && isTrail(tok.charCodeAt(b - 1))) b--;
  const core = tok.slice(a, b);
  // key=value and key:value keep their key when it holds no digit (uid=0, batch:1, LOGIN(uid=0)).
  const eq = core.search(/[=:]/);
  let masked = WILDCARD;
  if (eq > 0 && !/\d/.test(core.slice(0, eq))) masked = `${core.slice(0, eq + 1)}${WILDCARD}`;
  return `${tok.slice(0, a)}${masked}${tok.slice(b)}`;
}

const core = (tok: string) => tok.replace(/^[([{<'"]+|[)\]}>'",;:.!?]+$/g, '');
// Only capitalised (Jun, JUN), so the verb "may" is not a month.
const isDateWord = (tok: string) => {
  const c = core(tok);
  const c0 = c.charCodeAt(0);
  return c0 >= 65 && c0 <= 90 && DATE_WORDS.has(c.toLowerCase());
};

/** The masked tokens of a message, as the miner compares them. */
export function maskedTokens(message: string): string[] {
  const text = message.length > MAX_MESSAGE_CHARS ? message.slice(0, MAX_MESSAGE_CHARS) : message;
  const raw = text.split(/\s+/);
  const out: string[] = [];
  for (const whole of raw) {
    if (whole === '') continue;
    // A JSON line has few spaces: its members (`,"key":value`) are tokens of their own.
    let from = 0;
    for (let at = whole.indexOf(',"'); at >= 0; at = whole.indexOf(',"', at + 2)) {
      pushToken(out, whole.slice(from, at + 1));
      from = at + 1;
    }
    pushToken(out, from ? whole.slice(from) : whole);
  }
  // Date words before the number they belong to (`Fri Jun 17`): folded right to left.
  for (let i = out.length - 2; i >= 0; i--) {
    if (out[i + 1] === WILDCARD && isDateWord(out[i]!)) {
      out[i] = WILDCARD;
      out.splice(i > 0 && out[i - 1] === WILDCARD ? i : i + 1, 1);
    }
  }
  if (out.length > MAX_TOKENS) {
    out.length = MAX_TOKENS;
    out[MAX_TOKENS - 1] = WILDCARD;
  }
  return out;
}

function pushToken(out: string[], tok: string): void {
  const m = maskToken(tok);
  const prev = out.length ? out[out.length - 1]! : '';
  if (m !== tok || m === WILDCARD) {
    // A run of variables is one variable.
    if (m !== WILDCARD || prev !== WILDCARD) out.push(m);
    return;
  }
  // A unit right after a number, or a date word next to one, belongs to that variable.
  if ((prev === WILDCARD || prev.endsWith(WILDCARD)) && (UNITS.has(core(tok).toLowerCase()) || isDateWord(tok))) {
    out[out.length - 1] = prev + tok.slice(tok.length - trailLength(tok));
    return;
  }
  out.push(m);
}

function trailLength(tok: string): number {
  let n = 0;
  while (n < tok.length && isTrail(tok.charCodeAt(tok.length - 1 - n))) n++;
  return n;
}
