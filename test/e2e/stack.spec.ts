// The whole path a user takes in browser mode: `lookout serve` → open the printed URL → Start stack →
// every component running (real Prometheus, Alertmanager, node_exporter) → Stop stack → quit cleanly.
import { expect, test } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { COMPONENT_IDS, type ComponentId } from '../../common/model';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'main', 'cli.js');
const SCREENSHOT = path.join(ROOT, 'docs', 'screenshots', 'stack-running.png');
/** Homebrew name first, then Debian's; the app resolves them the same way. */
const BINARIES: Record<ComponentId, string[]> = {
  prometheus: ['prometheus'],
  alertmanager: ['alertmanager', 'prometheus-alertmanager'],
  node_exporter: ['node_exporter', 'prometheus-node-exporter'],
};

/** Distinct free loopback ports: all listeners stay open until every port is picked, so none repeats. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Live processes whose command line mentions any of `needles` (read from /proc). */
async function processesMatching(needles: string[]): Promise<{ pid: number; cmd: string }[]> {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, 'utf8').then((c) => c.replace(/\0/g, ' ').trim(), () => '');
    if (cmd && /prometheus|alertmanager|node_exporter|node-exporter/.test(cmd) && needles.some((n) => cmd.includes(n))) {
      found.push({ pid: Number(entry), cmd });
    }
  }
  return found;
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let home = '';
let serve: ChildProcess | null = null;
let output = '';
let needles: string[] = [];

test.beforeAll(async () => {
  expect(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`).toBe(true);
  for (const [id, names] of Object.entries(BINARIES)) {
    const found = names.some((name) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0);
    expect(found, `${id} binary not found on PATH (looked for: ${names.join(', ')})`).toBe(true);
  }
});

test.afterAll(async () => {
  if (serve && serve.exitCode === null) serve.kill('SIGKILL');
  // Safety net after a failure: the stack processes this test started (matched by its temp home and ports).
  for (const p of home ? await processesMatching(needles) : []) process.kill(p.pid, 'SIGKILL');
  if (home) await rm(home, { recursive: true, force: true });
});

test('start and stop the stack from the browser UI', async ({ page }) => {
  home = await mkdtemp(path.join(os.tmpdir(), 'lookout-e2e-'));
  const [lookoutPort, prometheusPort, alertmanagerPort, nodeExporterPort] = (await freePorts(4)) as [number, number, number, number];
  needles = [home, `127.0.0.1:${prometheusPort}`, `127.0.0.1:${alertmanagerPort}`, `127.0.0.1:${nodeExporterPort}`];
  await writeFile(
    path.join(home, 'settings.json'),
    JSON.stringify({
      lookout: { port: lookoutPort },
      stack: {
        components: {
          prometheus: { port: prometheusPort },
          alertmanager: { port: alertmanagerPort },
          node_exporter: { port: nodeExporterPort },
        },
      },
    }, null, 2),
  );

  serve = spawn(process.execPath, [CLI, 'serve'], { cwd: ROOT, env: { ...process.env, LOOKOUT_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  serve.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  serve.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => serve?.on('exit', (code) => resolve(code)));

  const info = await waitFor('serve.json', async () => {
    if (serve?.exitCode !== null) throw new Error(`lookout serve exited early (code ${serve?.exitCode}):\n${output}`);
    const text = await readFile(path.join(home, 'serve.json'), 'utf8').catch(() => null);
    return text ? (JSON.parse(text) as { url: string; port: number; token: string; pid: number }) : null;
  }, 20_000);
  expect(info.port).toBe(lookoutPort);
  expect(info.pid).toBe(serve.pid);

  const printed = await waitFor('the URL line on stdout', async () => /Lookout is running: (\S+)/.exec(output)?.[1] ?? null, 5_000);
  expect(printed).toBe(`${info.url.replace(/\/$/, '')}/#token=${info.token}`);

  await page.goto(printed);
  // The token moves to sessionStorage and leaves the visible URL.
  await expect(page).not.toHaveURL(/token=/);
  const list = page.getByRole('list');
  for (const id of COMPONENT_IDS) await expect(page.getByTestId(`state-${id}`)).toHaveText('stopped');
  await expect(list.getByRole('listitem')).toHaveCount(COMPONENT_IDS.length);

  await page.getByRole('button', { name: 'Start stack' }).click();
  for (const id of COMPONENT_IDS) await expect(page.getByTestId(`state-${id}`)).toHaveText('running', { timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Stop stack' })).toBeEnabled();
  await expect(list.getByRole('listitem', { name: 'Prometheus' })).toContainText(String(prometheusPort));
  await expect(page.getByRole('button', { name: 'Stop Prometheus' })).toBeVisible();
  // The leftover check at the end is only worth something if it finds these three while they run.
  expect((await processesMatching(needles)).length, 'running stack processes found via /proc').toBe(COMPONENT_IDS.length);
  await mkdir(path.dirname(SCREENSHOT), { recursive: true });
  await page.locator('main').screenshot({ path: SCREENSHOT });

  await page.getByRole('button', { name: 'Stop stack' }).click();
  for (const id of COMPONENT_IDS) await expect(page.getByTestId(`state-${id}`)).toHaveText('stopped', { timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Start stack' })).toBeEnabled();

  // A tab opened without the token cannot call the API and says where the token comes from.
  const bare = await page.context().newPage();
  await bare.goto(info.url);
  await expect(bare.getByRole('alert')).toContainText('open the URL printed by lookout serve');
  await bare.close();

  serve.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))]);
  expect(code, `lookout serve did not exit within 20 s of SIGTERM:\n${output}`).not.toBe('timeout');
  expect(code, `lookout serve exit code after SIGTERM:\n${output}`).toBe(0);
  expect(await processesMatching(needles), 'stack processes left behind after serve exited').toEqual([]);
});
