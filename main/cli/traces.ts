import type { TraceSpan } from '../../common/traces';
import { call, connect, print } from './client';
import { CliError, EXIT, str, usageError, type Command } from './command';
import { sinceUs, timeOf } from './since';

const TRACES_USAGE = `  traces [--service S] [--errors] [--since 15m] [--json]   Recent traces, errors first
`;
const TRACE_USAGE = `  trace ID [--json]            One trace as a waterfall: every span with its parent, service, duration and status
`;

const ms = (us: number) => `${(us / 1000).toFixed(1)} ms`;

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
        ? r.traces.map((t) => `${t.traceId}  ${timeOf(t.startUs)}  ${ms(t.durationUs).padStart(10)}  ${String(t.spanCount).padStart(3)} spans  ${t.errorCount ? `${t.errorCount} errors  ` : ''}${t.rootService ?? '?'}: ${t.rootName ?? '(root not received)'}\n`).join('')
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
    print(flags.json === true, trace, () => waterfall(trace.spans, trace.summary.startUs));
    return EXIT.ok;
  },
};

/** Spans in tree order, indented by depth, with their offset from the trace start. */
export function waterfall(spans: TraceSpan[], startUs: number): string {
  const children = new Map<string | null, TraceSpan[]>();
  const ids = new Set(spans.map((s) => s.spanId));
  for (const s of spans) {
    // A span whose parent never arrived is shown at the top, so nothing is hidden.
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const out: string[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const s of (children.get(parent) ?? []).sort((a, b) => a.startUs - b.startUs)) {
      out.push(`${`+${ms(s.startUs - startUs)}`.padStart(12)} ${ms(s.durationUs).padStart(10)}  ${'  '.repeat(depth)}${s.service}: ${s.name}${s.status === 'error' ? `  ERROR${s.statusMessage ? ` ${s.statusMessage}` : ''}` : ''}\n`);
      walk(s.spanId, depth + 1);
    }
  };
  walk(null, 0);
  return out.join('');
}
