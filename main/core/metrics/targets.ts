/**
 * What the IPC and process collectors watch: the endpoints and processes named in settings.services,
 * plus those `lookout demo` publishes in demo.json (the reference llm, memory and gui services).
 */
import type { Settings } from '../settings/schema';
import { parseLoopbackAddress } from './settings';

/** The request the reference services' NDJSON IPC answers with "pong" (main/core/telemetry/ipc-socket.ts). */
export const NDJSON_PING = '{"id":0,"method":"ping"}\n';

export type IpcTransport = 'unix' | 'tcp' | 'http';

/** One IPC endpoint to probe. */
export type IpcTarget = {
  /** `target` label: `<service>/<endpoint name>`. */
  target: string;
  service: string;
} & (
  | { transport: 'unix'; socketPath: string; send?: string }
  | { transport: 'tcp'; host: string; port: number; send?: string }
  | { transport: 'http'; url: string }
);

/** How to find one service's process. */
export interface ProcessTarget {
  service: string;
  /** Known pid (the demo publishes it). */
  pid?: number;
  pidFile?: string;
  port?: number;
  name?: string;
}

export interface WatchTargets {
  ipc: IpcTarget[];
  processes: ProcessTarget[];
}

/** The part of demo.json the collectors read (main/core/settings/demo-targets.ts owns the file). */
export interface DemoWatch {
  services: Array<{
    name: string;
    pid?: number;
    ipc: Array<{ transport: 'unix'; path: string; protocol: 'ndjson' } | { transport: 'http'; url: string }>;
  }>;
}

/** Upper bounds, so a long settings file cannot blow up label cardinality. */
export const MAX_IPC_TARGETS = 32;
export const MAX_PROCESS_TARGETS = 32;

/**
 * Targets from settings, then from the demo for services the settings do not already describe (the
 * user's own entry wins, as it does for scrape jobs).
 */
export function watchTargets(settings: Settings, demo: DemoWatch | null): WatchTargets {
  const ipc: IpcTarget[] = [];
  const processes: ProcessTarget[] = [];
  for (const service of settings.services) {
    for (const t of service.ipc ?? []) {
      const target = `${service.name}/${t.name}`;
      if (t.socketPath) ipc.push({ target, service: service.name, transport: 'unix', socketPath: t.socketPath, ...(t.send ? { send: t.send } : {}) });
      else if (t.address) {
        const addr = parseLoopbackAddress(t.address);
        if (addr) ipc.push({ target, service: service.name, transport: 'tcp', host: addr.host, port: addr.port, ...(t.send ? { send: t.send } : {}) });
      } else if (t.url) ipc.push({ target, service: service.name, transport: 'http', url: t.url });
    }
    if (service.process) processes.push({ service: service.name, ...service.process });
  }
  const described = new Set(settings.services.filter((s) => s.ipc?.length || s.process).map((s) => s.name));
  for (const service of demo?.services ?? []) {
    if (described.has(service.name)) continue;
    const counts = new Map<string, number>();
    for (const e of service.ipc) {
      const n = (counts.get(e.transport) ?? 0) + 1;
      counts.set(e.transport, n);
      const target = `${service.name}/${e.transport}${n > 1 ? n : ''}`;
      if (e.transport === 'unix') ipc.push({ target, service: service.name, transport: 'unix', socketPath: e.path, send: NDJSON_PING });
      else ipc.push({ target, service: service.name, transport: 'http', url: e.url });
    }
    if (service.pid) processes.push({ service: service.name, pid: service.pid });
  }
  return { ipc: ipc.slice(0, MAX_IPC_TARGETS), processes: processes.slice(0, MAX_PROCESS_TARGETS) };
}
