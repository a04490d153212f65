import type { ComponentId, StackSnapshot } from '../../common/model';
import { call, connect, print } from './client';
import { EXIT, usageError, type Command } from './command';

const USAGE = `  stack status [--json]        Show the components of the running instance
  stack start [ids...] [--json] Start components (all enabled ones when no id is given)
  stack stop [ids...] [--json]  Stop components (all when no id is given)
                               Component ids: prometheus, alertmanager, node_exporter, grafana
`;

export const stackCommand: Command = {
  name: 'stack',
  usage: USAGE,
  options: { json: { type: 'boolean' } },
  async run([verb, ...ids], flags) {
    if (verb !== 'status' && verb !== 'start' && verb !== 'stop') throw usageError(`unknown stack command: ${verb ?? '(none)'}`, USAGE);
    if (verb === 'status' && ids.length) throw usageError('lookout stack status takes no component ids', USAGE);
    const client = await connect();
    if (ids.length) {
      // Checked against what this instance supervises (jaeger only when enabled), in the CLI's words.
      const known = (await call(() => client.stack.get())).components.map((c) => c.id as string);
      const unknown = ids.filter((id) => !known.includes(id));
      if (unknown.length) throw usageError(`unknown component ${unknown.join(', ')}: this Lookout supervises ${known.join(', ')}`, USAGE);
    }
    const req = ids.length ? { components: ids as ComponentId[] } : {};
    const snapshot: StackSnapshot = await call(() => (verb === 'status' ? client.stack.get() : verb === 'start' ? client.stack.start(req) : client.stack.stop(req)));
    print(flags.json === true, snapshot, () => formatStack(snapshot));
    // Named and not installed: nothing could start, which is not success.
    const missing = verb === 'start' ? snapshot.components.filter((c) => ids.includes(c.id) && c.state === 'not-installed') : [];
    for (const c of missing) process.stderr.write(`${c.name} is not installed: ${c.fix ?? `lookout install ${c.id}`}\n`);
    return missing.length ? EXIT.failure : EXIT.ok;
  },
};

/** The status table: one row per component, problems of settings and config below it. */
export function formatStack(snapshot: StackSnapshot): string {
  const header = ['ID', 'STATE', 'PID', 'PORT', 'VERSION', 'LAST ERROR'];
  const rows = snapshot.components.map((c) => [c.id, c.detail && c.state === 'starting' ? `starting (${c.detail})` : c.state, c.pid ?? '-', c.port, c.version ?? '-', c.lastError ?? '-'].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [line(header), ...rows.map(line)];
  for (const c of snapshot.components) if (c.warning) out.push('', `${c.name}: ${c.warning}`);
  if (snapshot.settingsError) out.push('', `Settings: ${snapshot.settingsError}`);
  if (snapshot.configError) out.push('', `Config: ${snapshot.configError}`);
  return `${out.join('\n')}\n`;
}
