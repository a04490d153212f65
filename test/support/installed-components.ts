import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { InstalledComponent } from '../../common/install';
import { freePorts } from './stack-env';

/** A component started from an install, on a free loopback port, with the smallest config it accepts. */
export interface StartedComponent {
  component: string;
  port: number;
  child: ChildProcess;
  readyUrl: string;
  /** Milliseconds from spawn to the first 2xx from readyUrl. */
  readyMs: number;
  stop(): Promise<void>;
}

const READY_PATH: Record<string, string> = { prometheus: '/-/ready', alertmanager: '/-/ready', node_exporter: '/metrics' };

/**
 * Start an installed component's binary (not Lookout's supervisor: this proves the install itself runs)
 * and wait until it answers its readiness path. Everything listens on 127.0.0.1.
 */
export async function startInstalled(installed: InstalledComponent, workDir: string, timeoutMs = 30_000): Promise<StartedComponent> {
  const [port] = (await freePorts(1)) as [number];
  const dir = path.join(workDir, `run-${installed.component}`);
  await mkdir(dir, { recursive: true });
  const listen = `--web.listen-address=127.0.0.1:${port}`;
  let binary: string;
  let args: string[];
  switch (installed.component) {
    case 'prometheus':
      await writeFile(path.join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\n');
      binary = installed.binaries.prometheus!;
      args = [`--config.file=${dir}/prometheus.yml`, `--storage.tsdb.path=${dir}/data`, listen];
      break;
    case 'alertmanager':
      await writeFile(path.join(dir, 'alertmanager.yml'), 'route:\n  receiver: "null"\nreceivers:\n  - name: "null"\n');
      binary = installed.binaries.alertmanager!;
      args = [`--config.file=${dir}/alertmanager.yml`, `--storage.path=${dir}/data`, listen, '--cluster.listen-address='];
      break;
    case 'node_exporter':
      binary = installed.binaries.node_exporter!;
      args = [listen, '--no-collector.systemd'];
      break;
    default:
      throw new Error(`no minimal config for ${installed.component}`);
  }
  const t0 = performance.now();
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    if (stderr.length < 20_000) stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const readyUrl = `http://127.0.0.1:${port}${READY_PATH[installed.component]}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${binary} exited with ${child.exitCode} before it was ready:\n${stderr.slice(-2000)}`);
    const ok = await fetch(readyUrl).then((r) => r.ok, () => false);
    if (ok) return { component: installed.component, port, child, readyUrl, readyMs: performance.now() - t0, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${binary} did not answer ${readyUrl} within ${timeoutMs} ms:\n${stderr.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
