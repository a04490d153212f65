import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ComponentId } from '../../common/model';
import type { SettingsInput } from '../../main/core/settings/schema';

/** Components with a real binary on these machines (Debian packages): what a test home runs. Grafana is not one. */
export const REAL_COMPONENT_IDS = ['node_exporter', 'alertmanager', 'prometheus'] as const satisfies readonly ComponentId[];

/** Ports the OS says are free right now (all held at once, so they are distinct). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface TestHome {
  home: string;
  ports: { lookout: number; prometheus: number; alertmanager: number; node_exporter: number; grafana: number; otlp: number };
  settings: SettingsInput;
  writeSettings(settings: unknown): Promise<void>;
  cleanup(): Promise<void>;
}

/** A temp LOOKOUT_HOME whose settings pick free ports, so tests never touch the user's stack or each other. */
export async function makeHome(extra: (ports: TestHome['ports']) => Partial<SettingsInput> = () => ({})): Promise<TestHome> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'lookout-it-'));
  const [lookout, prometheus, alertmanager, node_exporter, grafana, otlp] = (await freePorts(6)) as [number, number, number, number, number, number];
  const ports = { lookout, prometheus, alertmanager, node_exporter, grafana, otlp };
  const settings: SettingsInput = {
    lookout: { port: lookout },
    stack: {
      scrapeInterval: '5s',
      evaluationInterval: '5s',
      components: {
        prometheus: { port: prometheus },
        alertmanager: { port: alertmanager },
        node_exporter: { port: node_exporter },
        // Grafana cannot run on these machines: off unless a test turns it on (with the stand-in, test/fakes/grafana).
        grafana: { enabled: false, port: grafana },
      },
      // Off in test homes so tests that read the components directly need no credential; the lock-down
      // tests (test/integration/lockdown.test.ts and those beside it) turn it on, as it is by default.
      lockdown: { enabled: false },
    },
    // The OTLP receiver on a free port too, so a test never takes the user's 4318 or another test's.
    traces: { receiver: { port: otlp } },
  };
  // Deep, so a test that sets stack.components keeps the test home's other stack settings (lock-down off).
  mergeInto(settings as Record<string, unknown>, extra(ports) as Record<string, unknown>);
  const writeSettings = (s: unknown) => writeFile(path.join(home, 'settings.json'), JSON.stringify(s, null, 2));
  await writeSettings(settings);
  return {
    home,
    ports,
    settings,
    writeSettings,
    async cleanup() {
      // A `lookout serve` still running on this home (found by its LOOKOUT_HOME) would respawn what we
      // kill, so kill Lookout first, then sweep again until nothing of this home is left.
      for (let pass = 0; pass < 5; pass++) {
        const left = [...(await lookoutProcessesOf(home)), ...(await processesUsing(home))];
        if (!left.length) break;
        for (const p of left) {
          try {
            process.kill(p.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      // A process killed a moment ago may still be flushing into data/ (ENOTEMPTY): rm retries those.
      await rm(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/** Merge `extra` into `base`: objects field by field, anything else (arrays included) replaced. */
function mergeInto(base: Record<string, unknown>, extra: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(extra)) {
    const current = base[key];
    const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (isObject(current) && isObject(value)) mergeInto(current, value);
    else base[key] = value;
  }
}

/** Live processes whose command line mentions `needle` (the test home): what the stack really left running. */
export async function processesUsing(needle: string): Promise<Array<{ pid: number; argv: string[] }>> {
  const out: Array<{ pid: number; argv: string[] }> = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').filter(Boolean);
      if (argv.some((a) => a.includes(needle))) out.push({ pid: Number(entry), argv });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** Processes started with LOOKOUT_HOME=<home> in their environment (a `lookout serve` or `demo` of this home). */
async function lookoutProcessesOf(home: string): Promise<Array<{ pid: number }>> {
  const out: Array<{ pid: number }> = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const env = (await readFile(`/proc/${entry}/environ`, 'utf8')).split('\0');
      if (env.includes(`LOOKOUT_HOME=${home}`)) out.push({ pid: Number(entry) });
    } catch {
      // exited, or not ours to read
    }
  }
  return out;
}

/** Poll until `fn` returns a truthy value or the time is up; the error names what we waited for. */
export async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 30_000, everyMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
