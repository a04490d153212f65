import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { LogLevelName } from '../../common/logs';
import { LOG_LEVELS } from '../core/store/records';
import { parseLinesToJsonl, type ParseMode } from '../core/logs/analysis/parse-jsonl';
import { call, connect, print } from './client';
import { CliError, EXIT, str, usageError, type Command } from './command';
import { sinceUs, timeOf } from './since';

const USAGE = `  logs search [TEXT] [--service S] [--level L] [--since 1h] [--limit N] [--json]
                               Log lines from the store, newest first (L: at least trace|debug|info|warn|error|fatal)
  logs errors [--service S] [--since 1h] [--json]     Error lines grouped by pattern, with counts and an example trace
  logs patterns [--service S] [--level L] [--since 1h] [--json]   Patterns with counts
  logs latency [--service S] [--by route|template] [--since 1h] [--json]   Percentiles of logged durations
  logs parse FILE --jsonl [--online]   One {"template","templateId"} per input line, in order (no running Lookout needed)
`;

function level(value: unknown): LogLevelName | undefined {
  const v = str(value);
  if (v === undefined) return undefined;
  if (!(LOG_LEVELS as readonly string[]).includes(v)) throw usageError(`--level must be one of ${LOG_LEVELS.join(', ')} (got ${v})`, USAGE);
  return v as LogLevelName;
}

function limit(value: unknown): number | undefined {
  const v = str(value);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw usageError(`--limit must be a whole number from 1 to 10000 (got ${v})`, USAGE);
  return n;
}

export const logsCommand: Command = {
  name: 'logs',
  usage: USAGE,
  options: {
    service: { type: 'string' },
    level: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
    by: { type: 'string' },
    json: { type: 'boolean' },
    jsonl: { type: 'boolean' },
    online: { type: 'boolean' },
  },
  async run([verb, ...rest], flags) {
    if (verb === 'parse') return parse(rest, flags);
    if (!['search', 'errors', 'patterns', 'latency'].includes(verb ?? '')) throw usageError(`unknown logs command: ${verb ?? '(none)'}`, USAGE);
    if (rest.length > (verb === 'search' ? 1 : 0)) throw usageError(`lookout logs ${verb} takes ${verb === 'search' ? 'one search text' : 'no arguments'} (got ${rest.join(' ')})`, USAGE);
    const json = flags.json === true;
    const common = { service: str(flags.service), fromUs: sinceUs(str(flags.since), USAGE) };
    const client = await connect();
    switch (verb) {
      case 'search': {
        const r = await call(() => client.logs.search({ ...common, minLevel: level(flags.level), text: rest[0], limit: limit(flags.limit) }));
        print(json, r, () => r.lines.map((l) => `${timeOf(l.timeUs)}  ${(l.level ?? '-').padEnd(5)}  ${l.service.padEnd(12)}  ${l.message}${l.traceId ? `  trace=${l.traceId}` : ''}\n`).join('') || 'no lines\n');
        break;
      }
      case 'errors': {
        const r = await call(() => client.logs.errors({ ...common, minLevel: level(flags.level), limit: limit(flags.limit) }));
        print(json, r, () => r.groups.map((g) => `${String(g.count).padStart(6)}  ${g.template}\n        ${g.services.join(', ')}; first ${timeOf(g.firstSeenUs)}, last ${timeOf(g.lastSeenUs)}${g.exampleTraceId ? `; trace ${g.exampleTraceId}` : ''}\n`).join('') || 'no errors\n');
        break;
      }
      case 'patterns': {
        const r = await call(() => client.logs.patterns({ ...common, minLevel: level(flags.level), limit: limit(flags.limit) }));
        print(json, r, () => r.patterns.map((p) => `${String(p.count).padStart(6)}  ${(p.maxLevel ?? '-').padEnd(5)}  ${p.template}\n`).join('') || 'no patterns\n');
        break;
      }
      default: {
        const by = str(flags.by);
        if (by !== undefined && by !== 'route' && by !== 'template') throw usageError(`--by must be route or template (got ${by})`, USAGE);
        const r = await call(() => client.logs.latency({ ...common, by, limit: limit(flags.limit) }));
        const ms = (n: number) => `${n.toFixed(1)} ms`.padStart(10);
        print(json, r, () => (r.rows.length ? `${'COUNT'.padStart(7)} ${'P50'.padStart(10)} ${'P90'.padStart(10)} ${'P99'.padStart(10)}  ${r.by.toUpperCase()}\n` : 'no logged durations\n') + r.rows.map((x) => `${String(x.count).padStart(7)} ${ms(x.p50Ms)} ${ms(x.p90Ms)} ${ms(x.p99Ms)}  ${x.label}\n`).join(''));
      }
    }
    return EXIT.ok;
  },
};

async function parse(rest: string[], flags: Record<string, unknown>): Promise<number> {
  const [file, ...extra] = rest;
  if (!file || extra.length) throw usageError('lookout logs parse takes one FILE', USAGE);
  if (flags.jsonl !== true) throw usageError('lookout logs parse writes JSON lines: pass --jsonl', USAGE);
  try {
    if (!(await stat(file)).isFile()) throw new CliError(`lookout: ${file} is not a file`, EXIT.failure);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`lookout: cannot read ${file}: ${(err as Error).message}`, EXIT.failure);
  }
  const mode: ParseMode = flags.online === true ? 'online' : 'final';
  try {
    await parseLinesToJsonl(createReadStream(file), process.stdout, { mode });
  } catch (err) {
    // The reader closed the pipe (`| head`): that is a normal end, not a failure.
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
  }
  return EXIT.ok;
}
