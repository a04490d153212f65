import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackSnapshot } from '../../common/model';
import { paths as homePaths } from '../../main/core/paths';
import { startServer, type RunningServer } from '../../main/server/http';
import { writeServeFile } from '../../main/server/serve-file';
import { FakeCore } from '../fakes/fake-core';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TOKEN = 'cli-test-token-0123456789abcdefghijklmnopqrstu';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A port the OS says is free right now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Start `lookout` from source (tsx), with a clean environment apart from PATH. */
function launch(args: string[]): ChildProcess {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'main', 'cli.ts'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function lookout(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = launch(args);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('lookout CLI: usage', () => {
  it('prints usage for --help (exit 0), and for no, unknown or malformed commands (exit 2)', async () => {
    const help = await lookout(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: lookout');
    // Each command has its own help, and refuses the flags of another (doctor has no --out).
    const demoHelp = await lookout(['demo', '--help']);
    expect(demoHelp.code).toBe(0);
    expect(demoHelp.stdout).toMatch(/^Usage: lookout demo \[--traffic RATE\]/);
    expect(demoHelp.stdout).not.toContain('dashboards export');
    for (const args of [[], ['frobnicate'], ['stack', 'explode'], ['serve', '--bogus'], ['config', 'render'], ['serve', '--port', 'abc'], ['doctor', '--out', 'x'], ['demo', '--llm-port', 'x']]) {
      const run = await lookout(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toContain('Usage: lookout');
    }
  });
});

describe('lookout CLI against a running instance (FakeCore behind a real server)', () => {
  let home: string;
  let core: FakeCore;
  let server: RunningServer;

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'lookout-cli-'));
    core = new FakeCore(home);
    core.snapshot.components[0] = { ...core.snapshot.components[0]!, lastError: 'port 9100 is held by nginx (pid 77)' };
    server = await startServer({ core, token: TOKEN, port: 0, staticDir: null, logger: pino({ level: 'silent' }) });
    // This test process stands in for `lookout serve`: the serve file must name a live pid.
    await writeServeFile(homePaths(home), { url: server.url, port: server.port, token: TOKEN, pid: process.pid });
  });

  afterAll(async () => {
    await server?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('stack status prints a table with every component and its last error', async () => {
    const run = await lookout(['stack', 'status', '--home', home]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATE\s+PID\s+PORT\s+VERSION\s+LAST ERROR$/);
    expect(lines).toHaveLength(5); // header, node_exporter, alertmanager, prometheus, grafana
    expect(run.stdout).toMatch(/node_exporter\s+stopped\s+-\s+9100\s+1\.0\.0\s+port 9100 is held by nginx \(pid 77\)/);
    expect(run.stdout).toMatch(/prometheus\s+stopped\s+-\s+9090/);
  });

  it('stack status --json prints the snapshot as the API returns it', async () => {
    const run = await lookout(['stack', 'status', '--json', '--home', home]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(core.snapshot);
  });

  it('stack start/stop pass the ids through the API', async () => {
    const start = await lookout(['stack', 'start', 'prometheus', 'alertmanager', '--home', home]);
    expect(start.code).toBe(0);
    expect(core.calls.at(-1)).toEqual({ channel: 'stack:start', req: { components: ['prometheus', 'alertmanager'] } });
    expect(start.stdout).toMatch(/prometheus\s+running\s+40002/);
    const stop = await lookout(['stack', 'stop', '--home', home]);
    expect(stop.code).toBe(0);
    expect(core.calls.at(-1)).toEqual({ channel: 'stack:stop', req: {} });
    expect((JSON.parse((await lookout(['stack', 'status', '--json', '--home', home])).stdout) as StackSnapshot).components.every((c) => c.state === 'stopped')).toBe(true);
  });

  it('a large --json answer reaches a pipe whole (exiting does not cut it at the pipe buffer)', async () => {
    const before = core.snapshot;
    // About 1 MB of JSON: many times a pipe's buffer, so most of it is still queued when the command returns.
    core.snapshot = { ...before, components: before.components.map((c, i) => ({ ...c, lastError: `${'x'.repeat(250_000)} ${i}` })) };
    try {
      const run = await lookout(['stack', 'status', '--json', '--home', home]);
      expect(run.code).toBe(0);
      expect(run.stdout.length).toBeGreaterThan(1_000_000);
      expect(JSON.parse(run.stdout)).toEqual(core.snapshot);
    } finally {
      core.snapshot = before;
    }
  });

  it('a bad component id is named with the ones this instance supervises (exit 2), and nothing is started', async () => {
    const calls = core.calls.length;
    const run = await lookout(['stack', 'start', 'nope', '--home', home]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown component nope: this Lookout supervises node_exporter, alertmanager, prometheus, grafana');
    expect(core.calls.slice(calls).map((c) => c.channel)).toEqual(['stack:get']);
  });

  it('starting a component that is not installed says how to install it (exit 1)', async () => {
    const before = core.snapshot;
    core.snapshot = { ...before, components: before.components.map((c) => (c.id === 'grafana' ? { ...c, state: 'not-installed', fix: 'install it: lookout install grafana' } : c)) };
    try {
      const run = await lookout(['stack', 'start', 'grafana', '--home', home]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('is not installed: install it: lookout install grafana');
    } finally {
      core.snapshot = before;
    }
  });
});

describe('lookout CLI without a running instance', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'lookout-cli-none-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('says how to start one (exit 3)', async () => {
    const run = await lookout(['stack', 'status', '--home', home]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('No running Lookout');
    expect(run.stderr).toContain(`lookout serve --home ${home}`);
  });

  it('treats a serve file left by a dead process as no instance (exit 3)', async () => {
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.on('close', resolve));
    await writeServeFile(homePaths(home), { url: 'http://127.0.0.1:1', port: 1, token: TOKEN, pid: dead.pid! });
    const run = await lookout(['stack', 'stop', '--home', home]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('No running Lookout');
  });

  it('reports a live pid whose server does not answer as unreachable (exit 3)', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await writeServeFile(homePaths(home), { url: `http://127.0.0.1:${port}`, port, token: TOKEN, pid: process.pid });
    const run = await lookout(['stack', 'status', '--home', home]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/did not answer \(ECONNREFUSED\)/);
    await rm(homePaths(home).serveFile);
  });
});

describe('lookout config render', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'lookout-cli-render-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('writes the rendered configs for the home settings into --out', async () => {
    await writeFile(path.join(home, 'settings.json'), JSON.stringify({ stack: { components: { prometheus: { port: 19090 } } } }));
    const out = path.join(home, 'out');
    const run = await lookout(['config', 'render', '--out', out, '--home', home]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const prometheus = await readFile(path.join(out, 'prometheus.yml'), 'utf8');
    expect(prometheus).toContain('127.0.0.1:19090');
    expect(await readFile(path.join(out, 'alertmanager.yml'), 'utf8')).toContain('/api/v1/alertmanager/webhook');
    expect((await stat(path.join(out, 'rules', 'lookout.yml'))).isFile()).toBe(true);
  });

  it('refuses invalid settings naming the field (exit 1)', async () => {
    await writeFile(path.join(home, 'settings.json'), JSON.stringify({ stack: { components: { prometheus: { port: 'high' } } } }));
    const run = await lookout(['config', 'render', '--out', path.join(home, 'out2'), '--home', home]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('stack.components.prometheus.port');
  });
});

describe('lookout doctor (real binaries, real port probe)', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'lookout-cli-doctor-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('reports a busy lookout.port as a failed check with its fix (exit 1)', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as net.AddressInfo).port;
    try {
      await writeFile(path.join(home, 'settings.json'), JSON.stringify({ lookout: { port: busy } }));
      const run = await lookout(['doctor', '--json', '--home', home]);
      expect(run.code).toBe(1);
      const checks = JSON.parse(run.stdout) as Array<{ name: string; ok: boolean; detail: string; fix?: string }>;
      expect(checks.find((c) => c.name === 'settings')?.ok).toBe(true);
      const port = checks.find((c) => c.name.startsWith(`port ${busy}`));
      expect(port?.ok).toBe(false);
      expect(port?.fix).toContain('lookout.port');
      const text = await lookout(['doctor', '--home', home]);
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(new RegExp(`✗ port ${busy}`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('exits 0 when only an optional component (Grafana) is missing, and says so as a warning with enabled: false (issue 16.8)', async () => {
    const [lookoutPort, prometheus, alertmanager, nodeExporter, grafana, otlp] = await Promise.all(Array.from({ length: 6 }, () => freePort()));
    await writeFile(
      path.join(home, 'settings.json'),
      JSON.stringify({
        lookout: { port: lookoutPort },
        stack: { components: { prometheus: { port: prometheus }, alertmanager: { port: alertmanager }, node_exporter: { port: nodeExporter }, grafana: { enabled: true, port: grafana } } },
        traces: { receiver: { port: otlp } },
      }),
    );
    const run = await lookout(['doctor', '--home', home]);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('✗'))).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^! Grafana binary: not found .*; optional: Grafana adds the dashboards/m);
    expect(run.stdout).toMatch(/fix: .*or set stack\.components\.grafana\.enabled to false in /);
  });

  it('reports an invalid settings file naming the field (exit 1)', async () => {
    await writeFile(path.join(home, 'settings.json'), JSON.stringify({ lookout: { port: 'x' } }));
    const run = await lookout(['doctor', '--home', home]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ settings: .*lookout\.port/);
  });
});

describe('lookout serve (real core, no components started)', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'lookout-cli-serve-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('prints one line with the tokened URL, answers the API, refuses a second instance, and cleans up on SIGTERM', async () => {
    const child = launch(['serve', '--port', '0', '--home', home]);
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL line within 30 s; stderr: ${stderr}`)), 30_000);
        child.stdout?.on('data', (c: Buffer) => {
          stdout += c.toString();
          if (stdout.includes('\n')) {
            clearTimeout(timer);
            resolve(stdout.split('\n')[0]!);
          }
        });
        child.on('close', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
      });
      const match = /^Lookout is running: (http:\/\/127\.0\.0\.1:(\d+))\/#token=([A-Za-z0-9_-]{43})$/.exec(line);
      expect(match, line).not.toBeNull();
      const [, url, port, token] = match!;

      const serveFile = homePaths(home).serveFile;
      expect((await stat(serveFile)).mode & 0o777).toBe(0o600);
      expect(JSON.parse(await readFile(serveFile, 'utf8'))).toEqual({ url, port: Number(port), token, pid: child.pid });
      expect(await readFile(homePaths(home).tokenFile, 'utf8')).toBe(token);

      const res = await fetch(`${url}/api/v1/stack`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const snapshot = (await res.json()) as StackSnapshot;
      // Default settings: Grafana is enabled (shown as not-installed where it has no binary, as here).
      expect(snapshot.components.map((c) => c.id).sort()).toEqual(['alertmanager', 'grafana', 'node_exporter', 'prometheus']);
      expect((await fetch(`${url}/api/v1/stack`)).status).toBe(401);

      const status = await lookout(['stack', 'status', '--json', '--home', home]);
      expect(status.code).toBe(0);
      expect((JSON.parse(status.stdout) as StackSnapshot).components).toHaveLength(4);

      const second = await lookout(['serve', '--port', '0', '--home', home]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('already running');

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await expect(stat(serveFile)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(fetch(`${url}/api/v1/stack`)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('fails with a message naming the busy port and lookout.port (exit 1)', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as net.AddressInfo).port;
    try {
      const run = await lookout(['serve', '--port', String(busy), '--home', home]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Port ${busy}`);
      expect(run.stderr).toContain('lookout.port');
      expect(run.stdout).toBe('');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
