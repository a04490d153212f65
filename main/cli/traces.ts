import { waterfallRows } from '../../common/trace-waterfall';
import type { TraceDetail } from '../../common/traces';
import { call, connect, print } from './client';
import { CliError, EXIT, str, usageError, type Command } from './command';
import { sinceUs, timeOf } from './since';

const TRACES_USAGE = `  traces [--service S] [--errors] [--since 15m] [--json]   Recent traces, errors first
`;
const TRACE_USAGE = `  trace ID [--json]            One trace as a waterfall: every span with its parent, service, duration and status
`;

const ms = (us: number) => `${(us / 1000).toFixed(1)} ms`;
const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const tracesCommand: Command = {
  name: 'traces',
  usage: TRACES_USAGE,
  options: { service: { type: 'string' }, errors: { type: 'boolean' }, since: { type: 'string' }, json: { type: 'boolean' } },
  async run(rest, flags) {
    if (rest.length) throw usageError(`lookout traces takes no arguments (got ${rest.join(' ')})`, TRACES_USAGE);
    const client = await connect();
    const r = await call(() => client.traces.list({ service: str(flags.service), errorsOnly: flags.errors === true, fromUs: sinceUs(str(flags.since) ?? '15m', TRACES_USAGE) }));
    print(flags.json === true, r, () =>
      r.traces.length
        ? r.traces.map((t) => `${t.traceId}  ${timeOf(t.startUs)}  ${ms(t.durationUs).padStart(10)}  ${count(t.spanCount, 'span', 'spans').padStart(9)}  ${t.errorCount ? `${count(t.errorCount, 'error', 'errors')}  ` : ''}${t.rootService ?? '?'}: ${t.rootName ?? '(root not received)'}\n`).join('')
        : 'no traces in that window\n',
    );
    return EXIT.ok;
  },
};

export const traceCommand: Command = {
  name: 'trace',
  usage: TRACE_USAGE,
  options: { json: { type: 'boolean' } },
  async run(rest, flags) {
    const [id, ...extra] = rest;
    if (!id || extra.length) throw usageError('lookout trace takes one trace id', TRACE_USAGE);
    if (!/^[0-9a-f]{32}$/.test(id)) throw usageError(`a trace id is 32 lowercase hex characters (got ${id})`, TRACE_USAGE);
    const client = await connect();
    const { trace } = await call(() => client.traces.get({ traceId: id }));
    if (!trace) throw new CliError(`lookout: no trace ${id} in the store (not sampled, or past retention)`, EXIT.failure);
    print(flags.json === true, trace, () => waterfall(trace));
    return EXIT.ok;
  },
};

/**
 * Spans in tree order (the UI's waterfall rows), indented by depth, with their offset from the trace
 * start; of the spans with an error, the one where the failure happened is marked as the UI marks it.
 */
export function waterfall(trace: TraceDetail): string {
  const start = trace.summary.startUs;
  return waterfallRows(trace)
    .map(({ span: s, depth, failedHere }) => {
      const status = s.status === 'error' ? `  ${failedHere ? 'ERROR, failed here' : 'error'}${s.statusMessage ? `: ${s.statusMessage}` : ''}` : '';
      return `${`+${ms(s.startUs - start)}`.padStart(12)} ${ms(s.durationUs).padStart(10)}  ${'  '.repeat(depth)}${s.service}: ${s.name}${status}\n`;
    })
    .join('');
}
