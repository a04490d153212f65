import type { LogLevel } from '../../store/records';

/**
 * Level names as the formats Lookout reads spell them: pino and zap (`info`, `warn`, `fatal`, zap's
 * `dpanic`), Go's slog (`INFO`, `WARN`), go-kit (Prometheus 2.x, Alertmanager: `info`, `warn`), Grafana's
 * old log15 (`eror`, `dbug`, `crit`), syslog severities (`notice`, `err`, `crit`, `alert`, `emerg`) and
 * the usual long forms. Keys are lower case; callers lower-case first.
 */
const NAMES: Record<string, LogLevel> = {
  trace: 'trace', trc: 'trace', finest: 'trace', verbose: 'trace',
  debug: 'debug', dbug: 'debug', dbg: 'debug', debg: 'debug', fine: 'debug',
  info: 'info', information: 'info', informational: 'info', inf: 'info', notice: 'info', note: 'info',
  warn: 'warn', warning: 'warn', wrn: 'warn',
  error: 'error', err: 'error', eror: 'error', erro: 'error', severe: 'error',
  fatal: 'fatal', crit: 'fatal', critical: 'fatal', alert: 'fatal', emerg: 'fatal', emergency: 'fatal', panic: 'fatal', dpanic: 'fatal', ftl: 'fatal',
};

/** pino's numbers (10 trace … 60 fatal); values between the steps round down, as pino's own levels do. */
function fromPinoNumber(n: number): LogLevel | null {
  if (!Number.isFinite(n) || n < 10) return null;
  if (n < 20) return 'trace';
  if (n < 30) return 'debug';
  if (n < 40) return 'info';
  if (n < 50) return 'warn';
  if (n < 60) return 'error';
  return 'fatal';
}

/** The normalised level of a `level` value (a name in any case, or a pino number); null when it names none. */
export function normalizeLevel(value: unknown): LogLevel | null {
  if (typeof value === 'number') return fromPinoNumber(value);
  if (typeof value !== 'string' || value.length === 0 || value.length > 16) return null;
  const known = NAMES[value] ?? NAMES[value.toLowerCase()];
  if (known) return known;
  // slog prints levels between the named ones as `INFO+2`, `ERROR-4`; the name part decides.
  const sign = value.search(/[+-]\d/);
  if (sign > 0) return NAMES[value.slice(0, sign).toLowerCase()] ?? null;
  if (/^\d+$/.test(value)) return fromPinoNumber(Number(value));
  return null;
}
