/**
 * Remote write against the real VictoriaMetrics (Debian's victoria-metrics, single node, basic auth):
 * the settings render into prometheus.yml (promtool accepts them), samples arrive and are queried back
 * from VictoriaMetrics' Prometheus-compatible API, write relabelling drops what it should, and a 60 s
 * VictoriaMetrics outage loses nothing — Prometheus replays its WAL once it is back. The sample counts
 * before, during and after are printed.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Core } from '../../main/core/core';
import { runDoctor } from '../../main/core/doctor';
import { createCommandRunner } from '../../main/core/adapters/command-runner';
import { createPortProbe } from '../../main/core/adapters/port-probe';
import { createStackAccess } from '../../main/core/lockdown/access';
import { remoteWriteStatus, type RemoteWriteStatus } from '../../main/core/remote-write/status';
import { settingsSchema } from '../../main/core/settings/schema';
import { startCore } from '../support/core';
import { getJson, stackAuthHeaders } from '../support/stack-auth';
import { freePorts, makeHome, waitFor, type TestHome } from '../support/stack-env';
import { startVictoriaMetrics, type RunningVictoriaMetrics } from '../support/victoria-metrics';

const OUTAGE_MS = 60_000;
const JOBS = ['prometheus', 'alertmanager', 'node_exporter'];

describe('remote write to the real VictoriaMetrics', () => {
  let env: TestHome;
  let core: Core;
  let vm: RunningVictoriaMetrics;
  let vmPort: number;
  let auth: Record<string, string>;
  const vmDir = () => path.join(env.home, 'vm-data');
  const vmPassword = 'vm-test-password-7f3a';
  const startVm = () => startVictoriaMetrics({ port: vmPort, dataDir: vmDir(), username: 'writer', password: vmPassword });
  const settings = () => settingsSchema.parse(env.settings);
  const status = async (): Promise<RemoteWriteStatus> => {
    const report = await remoteWriteStatus({ access: createStackAccess({ paths: { secretsDir: path.join(env.home, 'secrets') }, settings }), targets: settings().stack.remoteWrite });
    return report.targets[0]!;
  };
  const prom = (p: string) => `http://127.0.0.1:${env.ports.prometheus}${p}`;

  /** Prometheus' own raw samples of up{job} in [start, end] (seconds), as timestamps in ms. */
  async function promSamples(job: string, start: number, end: number): Promise<number[]> {
    const q = new URLSearchParams({ query: `up{job="${job}"}[${Math.ceil(end - start) + 1}s]`, time: String(end) });
    const body = await getJson<{ data: { result: Array<{ values: Array<[number, string]> }> } }>(prom(`/api/v1/query?${q}`), auth);
    return (body.data.result[0]?.values ?? []).map(([t]) => Math.round(t * 1000)).filter((t) => t >= start * 1000 && t <= end * 1000);
  }
  async function vmSamples(job: string, start: number, end: number): Promise<number[]> {
    const series = await vm.exportSamples(`up{job="${job}"}`, start, end);
    return series.flatMap((s) => s.timestamps).filter((t) => t >= start * 1000 && t <= end * 1000).sort((a, b) => a - b);
  }

  beforeAll(async () => {
    env = await makeHome();
    [vmPort] = (await freePorts(1)) as [number];
    const passwordFile = path.join(env.home, 'vm-password');
    await writeFile(passwordFile, `${vmPassword}\n`, { mode: 0o600 });
    await mkdir(vmDir(), { recursive: true });
    env.settings = {
      ...env.settings,
      stack: {
        ...env.settings.stack,
        lockdown: { enabled: true },
        externalLabels: { machine: 'lookout-it' },
        remoteWrite: [
          {
            name: 'vm',
            url: `http://127.0.0.1:${vmPort}/api/v1/write`,
            basicAuth: { username: 'writer', passwordFile },
            headers: { 'X-Scope-OrgID': 'lookout-test' },
            // Short backoff so recovery after the outage is quick; the WAL holds what waits meanwhile.
            queue: { batchSendDeadline: '1s', minBackoff: '100ms', maxBackoff: '2s', retryOnHttp429: true },
            // Go runtime series stay local: proves write relabelling reaches Prometheus.
            writeRelabel: [{ sourceLabels: ['__name__'], regex: 'go_.*', action: 'drop' }],
          },
        ],
      },
    };
    await env.writeSettings(env.settings);
    vm = await startVm();
    core = await startCore(env.home);
    auth = await stackAuthHeaders(env.home);
    const snap = await core.handlers['stack:start']({});
    expect(snap.configError).toBeNull();
    expect(snap.components.every((c) => c.state === 'running')).toBe(true);
  });
  afterAll(async () => {
    await core?.dispose({ stopStack: true });
    await vm?.stop();
    await env?.cleanup();
  });

  it('renders remote_write with credentials by file only, which promtool accepted and Prometheus runs', async () => {
    const yml = await readFile(path.join(env.home, 'stack', 'prometheus.yml'), 'utf8');
    expect(yml).not.toContain(vmPassword);
    const doc = parse(yml) as { remote_write: Array<Record<string, unknown>> };
    expect(doc.remote_write).toEqual([
      {
        name: 'vm',
        url: `http://127.0.0.1:${vmPort}/api/v1/write`,
        headers: { 'X-Scope-OrgID': 'lookout-test' },
        basic_auth: { username: 'writer', password_file: path.join(env.home, 'vm-password') },
        queue_config: { batch_send_deadline: '1s', min_backoff: '100ms', max_backoff: '2s', retry_on_http_429: true },
        write_relabel_configs: [{ source_labels: ['__name__'], regex: 'go_.*', action: 'drop' }],
      },
    ]);
    const running = await getJson<{ data: { yaml: string } }>(prom('/api/v1/status/config'), auth);
    expect(running.data.yaml).toContain(`url: http://127.0.0.1:${vmPort}/api/v1/write`);
    // Prometheus masks the password file's content as <secret> only when inline; a file reference is shown as the path.
    expect(running.data.yaml).not.toContain(vmPassword);
  });

  it('samples arrive in VictoriaMetrics and read back through its Prometheus API; relabelling drops go_*', async () => {
    await waitFor('up{job="prometheus"} in VictoriaMetrics', async () => {
      await vm.flush();
      // With the machine's external label, as every series Lookout sends away carries it.
      const body = await getJson<{ data: { result: unknown[] } }>(`${vm.url}/api/v1/query?query=${encodeURIComponent('up{job="prometheus",machine="lookout-it"}')}`, vm.headers);
      return body.data.result.length === 1;
    }, 60_000, 1_000);
    // Each job's first samples travel in their own batches: wait until every one has arrived.
    const jobs = await waitFor('every job in VictoriaMetrics', async () => {
      await vm.flush();
      const found = await getJson<{ data: string[] }>(`${vm.url}/api/v1/label/job/values`, vm.headers);
      return JOBS.every((j) => found.data.includes(j)) ? found : null;
    }, 60_000, 1_000);
    for (const j of JOBS) expect(jobs.data).toContain(j);
    const goInProm = await getJson<{ data: { result: unknown[] } }>(prom(`/api/v1/query?query=${encodeURIComponent('go_goroutines')}`), auth);
    expect(goInProm.data.result.length).toBeGreaterThan(0);
    const goInVm = await getJson<{ data: { result: unknown[] } }>(`${vm.url}/api/v1/query?query=${encodeURIComponent('go_goroutines')}`, vm.headers);
    expect(goInVm.data.result).toEqual([]);
    const s = await waitFor('samples sent and a lag known', async () => {
      const st = await status();
      return st.lagSeconds !== undefined && (st.samplesSent ?? 0) > 0 ? st : null;
    }, 30_000, 1_000);
    expect(s.error).toBeUndefined();
    console.log(`remote-write status once flowing: ${JSON.stringify(s)}`);
  });

  it('loses nothing across a 60 s VictoriaMetrics outage: the WAL is replayed once it is back', async () => {
    const t0 = Math.floor(Date.now() / 1000) - 20;
    await vm.stop();
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, OUTAGE_MS / 2));
    const during = await status();
    await new Promise((r) => setTimeout(r, OUTAGE_MS / 2 - (Date.now() - downAt - OUTAGE_MS / 2)));
    const outage = Date.now() - downAt;
    const duringEnd = await status();
    vm = await startVm();
    const backAt = Date.now();
    const caughtUp = await waitFor('Prometheus caught up with VictoriaMetrics', async () => {
      const st = await status();
      return st.lagSeconds !== undefined && st.lagSeconds < 10 && st.samplesPending === 0 ? st : null;
    }, 120_000, 500);
    const catchUpMs = Date.now() - backAt;
    // Let the scrapes of the last seconds go out too, then compare a window that spans the whole outage.
    await new Promise((r) => setTimeout(r, 8_000));
    await vm.flush();
    const t1 = Math.floor(Date.now() / 1000) - 5;
    const rows: string[] = [];
    for (const job of JOBS) {
      const [inProm, inVm] = await Promise.all([promSamples(job, t0, t1), vmSamples(job, t0, t1)]);
      const outageSamples = inProm.filter((t) => t >= downAt && t <= backAt).length;
      rows.push(`up{job="${job}"}: Prometheus ${inProm.length}, VictoriaMetrics ${inVm.length} (${outageSamples} scraped while it was down)`);
      expect(outageSamples, `${job}: samples scraped during the outage`).toBeGreaterThanOrEqual(Math.floor(OUTAGE_MS / 5_000) - 2);
      expect(inVm, `${job}: every sample Prometheus has, and no other`).toEqual(inProm);
    }
    console.log(
      [
        `outage ${(outage / 1000).toFixed(1)} s, window ${t1 - t0} s; caught up ${(catchUpMs / 1000).toFixed(1)} s after VictoriaMetrics came back`,
        `status 30 s into the outage: ${JSON.stringify(during)}`,
        `status at the end of it:     ${JSON.stringify(duringEnd)}`,
        `status caught up:            ${JSON.stringify(caughtUp)}`,
        ...rows,
      ].join('\n'),
    );
    expect(duringEnd.lagSeconds ?? 0).toBeGreaterThan(40);
    expect(caughtUp.samplesFailed ?? 0).toBe(0);
  }, 300_000);

  it('doctor reports the target: pending, sent, failed and lag', async () => {
    const runner = createCommandRunner();
    const checks = await runDoctor({ settings: settings(), paths: core.paths, runner, ports: createPortProbe(runner) });
    const rw = checks.find((c) => c.name === 'remote write: vm');
    expect(rw).toMatchObject({ ok: true, detail: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write: \d+ pending, \d+ sent, 0 failed, \d+ retried, \d+ s behind$/) });
    console.log(`doctor: ${rw!.name}: ${rw!.detail}`);
  });
});
