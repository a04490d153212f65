/**
 * `lookout demo` as a user runs it (the built CLI, three real child processes, a real Unix socket):
 * correlation and trace ids in every service's log across the HTTP and IPC hops, the admin endpoint's
 * guards, the traffic generator, and the demo's targets reaching a core started before or after it.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore } from '../support/core';
import { CLI, inBatches, startDemo, type RunningDemo } from '../support/reference';
import { makeHome, waitFor, type TestHome } from '../support/stack-env';

type Line = Record<string, unknown>;

async function logLines(file: string): Promise<Line[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Line);
}

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const traceparent = `00-${TRACE_ID}-b7ad6b7169203331-01`;

describe('lookout demo: logs, IPC and faults', () => {
  let env: TestHome;
  let demo: RunningDemo;

  beforeAll(async () => {
    env = await makeHome();
    demo = await startDemo(env.home);
  });
  afterAll(async () => {
    await demo?.stop();
    await env?.cleanup();
  });

  it('carries one correlation id and one trace id from the GUI through the LLM (HTTP) to memory (Unix socket)', async () => {
    const res = await fetch(`${demo.url('gui')}/api/complete`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'it-req-1', traceparent },
      body: JSON.stringify({ prompt: `Which unix socket does memory use? ${Date.now()}` }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('it-req-1');
    expect(((await res.json()) as { text: string }).text).toContain('note');

    const mine = async (name: 'gui' | 'llm' | 'memory') => (await logLines(demo.logFile(name))).filter((l) => l.request_id === 'it-req-1');
    const want = { gui: ['answer forwarded', 'request completed'], llm: ['completion served', 'request completed'], memory: ['context search', 'ipc request handled'] };
    const lines = await waitFor('the request in all three logs', async () => {
      const got = { gui: await mine('gui'), llm: await mine('llm'), memory: await mine('memory') };
      return (Object.keys(want) as Array<keyof typeof want>).every((k) => want[k].every((m) => got[k].some((l) => l.msg === m))) ? got : null;
    }, 10_000);
    const spanIds = new Set<unknown>();
    for (const [service, ls] of Object.entries(lines)) {
      for (const l of ls) {
        expect(l, `${service}: ${String(l.msg)}`).toMatchObject({ service, request_id: 'it-req-1', trace_id: TRACE_ID });
        expect(l.span_id).toMatch(/^[0-9a-f]{16}$/);
        spanIds.add(l.span_id);
      }
    }
    // Each hop has its own span (a child of the caller's), not a copy of the caller's.
    expect(spanIds.size).toBeGreaterThanOrEqual(3);
    expect(lines.memory.find((l) => l.msg === 'ipc request handled')).toMatchObject({ method: 'search', status: 'ok' });
  });

  it('answers every request with a correlation id that is on that request\'s log line, whatever the outcome', async () => {
    await demo.faults('llm', { errorRate: 0.5 });
    const calls: Array<{ service: 'gui' | 'llm' | 'memory'; path: string; init?: RequestInit; status: number }> = [
      { service: 'memory', path: '/items/1', status: 200 },
      { service: 'memory', path: '/items/999999', status: 404 },
      { service: 'memory', path: '/no/such/route', status: 404 },
      { service: 'memory', path: '/items', init: { method: 'POST', body: '{oops' }, status: 400 },
      { service: 'memory', path: '/items/1', init: { method: 'PUT' }, status: 405 },
      { service: 'memory', path: '/search?q=prometheus', status: 200 },
      { service: 'llm', path: '/v1/models', status: 200 },
      { service: 'llm', path: '/v1/models', status: 500 },
      { service: 'llm', path: '/v1/completions', init: { method: 'POST', body: '{"prompt":"x","model":"gpt-9"}' }, status: 404 },
      { service: 'gui', path: '/', status: 200 },
      { service: 'gui', path: '/api/complete', init: { method: 'POST', body: '{}' }, status: 400 },
    ];
    const ids = await inBatches(calls, 1, async (c) => {
      const res = await fetch(`${demo.url(c.service)}${c.path}`, c.init);
      await res.arrayBuffer();
      expect(res.status, `${c.service} ${c.path}`).toBe(c.status);
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      return id!;
    });
    await demo.faults('llm', { errorRate: 0 });
    expect(new Set(ids).size).toBe(ids.length);
    await waitFor('every request logged', async () => {
      for (const [i, c] of calls.entries()) {
        const done = (await logLines(demo.logFile(c.service))).filter((l) => l.msg === 'request completed' && l.request_id === ids[i]);
        if (done.length !== 1 || done[0]!.status !== c.status) return false;
      }
      return true;
    }, 10_000);
    // And across the whole log of every service: no request line without its ids.
    for (const name of ['gui', 'llm', 'memory'] as const) {
      const completed = (await logLines(demo.logFile(name))).filter((l) => l.msg === 'request completed');
      expect(completed.length).toBeGreaterThan(0);
      for (const l of completed) {
        expect(typeof l.request_id, `${name} line ${JSON.stringify(l)}`).toBe('string');
        expect(l.trace_id).toMatch(/^[0-9a-f]{32}$/);
        // A 5xx is the service failing, logged as an error; anything else at info (health checks at debug).
        expect(l).toMatchObject({ service: name, level: (l.status as number) >= 500 ? 'error' : expect.stringMatching(/^(info|debug)$/) });
      }
    }
  });

  it('guards the admin endpoint: JSON only, loopback Host only, fields checked', async () => {
    const admin = `${demo.url('memory')}/admin/faults`;
    const plain = await fetch(admin, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"crash":true}' });
    expect(plain.status).toBe(415);
    const bad = await fetch(admin, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"errorRate":2}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('errorRate');
    const rebinding = await new Promise<number>((resolve, reject) => {
      // fetch cannot forge Host; node:http can.
      const req = httpRequest(admin, { method: 'GET', headers: { Host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(rebinding).toBe(403);
    expect(await (await fetch(admin)).json()).toEqual({ errorRate: 0, latencyMs: 0, ipcDelayMs: 0, hang: false });
  });

  it('refuses a second demo on the same home, and a bad --traffic value', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, LOOKOUT_HOME: env.home } });
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (out += c.toString()));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const second = await run(['demo']);
    expect(second.code).toBe(1);
    expect(second.out).toContain(`A demo is already running for ${env.home} (pid ${demo.child.pid})`);
    const bad = await run(['demo', '--traffic', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('--traffic must be a number of requests per second');
  });
});

describe('lookout demo --traffic', () => {
  it('drives the requested rate through gui → llm → memory, with cache hits and misses', async () => {
    const env = await makeHome();
    const demo = await startDemo(env.home, ['--traffic', '20']);
    try {
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, 3000));
      const metrics = async (name: 'gui' | 'llm' | 'memory') => (await fetch(`${demo.url(name)}/metrics`)).text();
      const sum = (text: string, re: RegExp) => [...text.matchAll(re)].reduce((acc, m) => acc + Number(m[1]), 0);
      const gui = sum(await metrics('gui'), /^http_requests_total\{method="POST",route="\/api\/complete",status="200"\} (\d+)/gm);
      const memory = sum(await metrics('memory'), /^http_requests_total\{method="(?:GET|POST|DELETE)",route="\/(?:search|items|items\/:id)",status="2\d\d"\} (\d+)/gm);
      const llmText = await metrics('llm');
      const hits = sum(llmText, /^llm_cache_operations_total\{result="hit"\} (\d+)/gm);
      const misses = sum(llmText, /^llm_cache_operations_total\{result="miss"\} (\d+)/gm);
      const ipcOk = sum(llmText, /^ipc_requests_total\{peer="memory",status="ok"\} (\d+)/gm);
      const elapsed = (Date.now() - t0) / 1000;
      const expected = 20 * elapsed;
      // The generator catches up on every tick; requests still in flight at the reading are the slack.
      expect(gui + memory).toBeGreaterThanOrEqual(expected * 0.8);
      expect(gui + memory).toBeLessThanOrEqual(expected * 1.1 + 2);
      expect(hits).toBeGreaterThan(0);
      expect(misses).toBeGreaterThan(0);
      expect(ipcOk).toBe(misses);
      console.log(`traffic 20/s for ${elapsed.toFixed(1)} s: ${gui} GUI + ${memory} memory requests answered (expected ≈ ${expected.toFixed(0)}); LLM cache ${hits} hits / ${misses} misses`);
      expect(await demo.stop()).toBe(0);
      expect(demo.output()).toMatch(/Traffic sent (\d+) request\(s\): \1 ok, 0 failed\./);
    } finally {
      await demo.stop();
      await env.cleanup();
    }
  });
});

describe('demo targets and a core', () => {
  it('reach a core started after the demo, and leave it when the demo stops', async () => {
    const env = await makeHome();
    const demo = await startDemo(env.home);
    const core = await startCore(env.home);
    try {
      const yml = () => readFile(path.join(env.home, 'stack', 'prometheus.yml'), 'utf8');
      const first = await yml();
      for (const job of ['llm', 'memory', 'gui']) expect(first).toContain(`job_name: ${job}`);
      expect(first).toContain(new URL(demo.url('llm')).host);
      expect(first).toMatch(/demo: "true"/);
      expect(await demo.stop()).toBe(0);
      await waitFor('prometheus.yml without the demo jobs', async () => !(await yml()).includes('job_name: llm'), 10_000, 100);
    } finally {
      await core.dispose({ stopStack: true });
      await demo.stop();
      await env.cleanup();
    }
  });
});
