/**
 * The settings fragments the native collectors read, spliced into settings/schema.ts: the `metrics`
 * section, and per service the IPC endpoints to probe and how to find its process.
 */
import path from 'node:path';
import { z } from 'zod';
import { port } from '../settings/units';
import { COLLECTOR_IDS, type CollectorId } from './collector';

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|::1|\[::1\])$/;

/** "127.0.0.1:8081", "localhost:8081" or "[::1]:8081". */
export function parseLoopbackAddress(value: string): { host: string; port: number } | null {
  const m = /^(\[::1\]|[^:]+):(\d{1,5})$/.exec(value);
  if (!m || !LOOPBACK_HOST.test(m[1]!)) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1] === '[::1]' ? '::1' : m[1]!, port };
}

const isLoopbackUrl = (value: string) => {
  try {
    return LOOPBACK_HOST.test(new URL(value).hostname);
  } catch {
    return false;
  }
};

const absolutePath = () => z.string().refine((p) => path.isAbsolute(p), { message: 'must be an absolute path' });

/**
 * One IPC endpoint of a service: a Unix domain socket, a loopback TCP address or a loopback HTTP URL.
 * Probes only ever go to this machine. `send` (sockets only) is written after connecting; the round
 * trip then lasts until the first bytes come back, which proves the server is answering, not only accepting.
 */
export const ipcTargetSchema = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -'),
    socketPath: absolutePath().optional(),
    address: z.string().refine((a) => parseLoopbackAddress(a) !== null, { message: 'must be a loopback address and port such as 127.0.0.1:8081' }).optional(),
    url: z
      .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' })
      .refine(isLoopbackUrl, { message: 'must point at this machine (127.0.0.1, localhost or [::1])' })
      .optional(),
    send: z.string().min(1).max(4096).optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const given = (['socketPath', 'address', 'url'] as const).filter((k) => t[k] !== undefined);
    if (given.length !== 1) ctx.addIssue({ code: 'custom', message: `give exactly one of socketPath, address or url${given.length ? ` (got ${given.join(' and ')})` : ''}` });
    if (t.send !== undefined && t.url !== undefined) ctx.addIssue({ code: 'custom', path: ['send'], message: 'only applies to socketPath and address targets' });
  });

export type IpcTargetSettings = z.output<typeof ipcTargetSchema>;

/** The IPC endpoints of one service; names are unique within it (they become the `target` label). */
export const serviceIpcSchema = z
  .array(ipcTargetSchema)
  .max(16, 'at most 16 IPC endpoints per service')
  .optional()
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list?.forEach((t, i) => {
      if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate IPC endpoint name "${t.name}"` });
      seen.add(t.name);
    });
  });

/** How to find a service's process: its pid file, the port it listens on, or its name (tried in that order). */
export const serviceProcessSchema = z
  .object({
    pidFile: absolutePath().optional(),
    port: port.optional(),
    name: z.string().min(1).max(255).optional(),
  })
  .strict()
  .refine((p) => p.pidFile !== undefined || p.port !== undefined || p.name !== undefined, { message: 'give pidFile, port or name' })
  .optional();

export type ServiceProcessSettings = NonNullable<z.output<typeof serviceProcessSchema>>;

const collectorToggles = z
  .object(Object.fromEntries(COLLECTOR_IDS.map((id) => [id, z.boolean().default(true)])) as Record<CollectorId, z.ZodDefault<z.ZodBoolean>>)
  .strict()
  .prefault({});

/** The `metrics` section: collector intervals and which collectors run. */
export const metricsSettingsSchema = z
  .object({
    /** Cheap sources (/proc, os, sockets). */
    fastIntervalSeconds: z.number().min(0.5).max(300).default(2),
    /** Sources that spawn a tool (ioreg, vm_stat, sysctl, top, nvidia-smi…). */
    slowIntervalSeconds: z.number().min(1).max(3600).default(10),
    /** How often a live sample is pushed to the UI. */
    uiIntervalSeconds: z.number().min(0.25).max(60).default(1),
    /** Budget of one collector run; a tool still running then is killed and the collector marked down. */
    timeoutSeconds: z.number().min(0.5).max(120).default(5),
    collectors: collectorToggles,
  })
  .strict()
  .prefault({})
  .superRefine((m, ctx) => {
    if (m.slowIntervalSeconds < m.fastIntervalSeconds) ctx.addIssue({ code: 'custom', path: ['slowIntervalSeconds'], message: 'must not be shorter than fastIntervalSeconds' });
  });

export type MetricsSettings = z.output<typeof metricsSettingsSchema>;
