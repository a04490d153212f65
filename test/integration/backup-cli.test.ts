/**
 * `lookout backup create|list|restore|prune` from the built CLI, with a `lookout serve` running the real
 * stack: restore stops and starts Prometheus through the running instance, which keeps supervising it.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupInfo } from '../../main/core/backup/backups';
import type { RestoreResult } from '../../main/core/backup/restore';
import { createHttpClient, type HttpClient } from '../../common/http-client';
import { CLI, startServe, type RunningServe } from '../support/serve';
import { stackAuthHeaders } from '../support/stack-auth';
import { makeHome, type TestHome } from '../support/stack-env';
import { countFixture, expectedFixture, makeTsdb, type TsdbFixture } from '../support/tsdb-fixture';

const exec = promisify(execFile);

describe('lookout backup, against a running lookout serve', () => {
  let env: TestHome;
  let serve: RunningServe;
  let api: HttpClient;
  let fixture: TsdbFixture;
  const lookout = (args: string[], extraEnv: Record<string, string> = {}) =>
    exec(process.execPath, [CLI, ...args], { env: { ...process.env, LOOKOUT_HOME: env.home, ...extraEnv } }).catch((e: { code: number; stdout: string; stderr: string }) => e);

  beforeAll(async () => {
    env = await makeHome();
    env.settings = { ...env.settings, stack: { ...env.settings.stack, lockdown: { enabled: true } } };
    await env.writeSettings(env.settings);
    fixture = await makeTsdb(path.join(env.home, 'data', 'prometheus'), { series: 10, samplesPerSeries: 240 });
    serve = await startServe(env.home);
    api = createHttpClient({ baseUrl: serve.info.url, token: serve.info.token, timeoutMs: 90_000 });
    await api.stack.start({});
  });
  afterAll(async () => {
    if (api) await api.stack.stop({}).catch(() => undefined);
    await serve?.stop();
    await env?.cleanup();
  });

  it('creates, lists, restores through the instance, and prunes', async () => {
    const created = await lookout(['backup', 'create', '--include-secrets', '--json'], { LOOKOUT_BACKUP_PASSPHRASE: 'a passphrase to keep' });
    const info = JSON.parse(created.stdout) as BackupInfo;
    expect(info.contents.secrets.included).toBe(true);
    expect(info.contents.prometheus.included).toBe(true);
    const noPass = await lookout(['backup', 'create', '--include-secrets']);
    expect(noPass).toMatchObject({ code: 1, stderr: expect.stringMatching(/needs a passphrase/) });

    const list = JSON.parse((await lookout(['backup', 'list', '--json'])).stdout) as { backups: BackupInfo[] };
    expect(list.backups.map((b) => b.id)).toEqual([info.id]);
    expect((await lookout(['backup', 'list'])).stdout).toMatch(new RegExp(`^${info.id}  \\S+  [\\d.]+ MiB  settings, stack, prometheus, no grafana, no telemetry, secrets\n$`));

    const before = (await api.stack.get({})).components.find((c) => c.id === 'prometheus')!;
    const restored = await lookout(['backup', 'restore', info.id, '--json'], { LOOKOUT_BACKUP_PASSPHRASE: 'a passphrase to keep' });
    const r = JSON.parse(restored.stdout) as RestoreResult;
    expect(r.restored).toEqual(['prometheus', 'secrets', 'settings']);
    expect(r.verified!.series).toBe(r.verified!.expected);
    // The running instance restarted it and still supervises it: a new pid, running.
    const after = (await api.stack.get({})).components.find((c) => c.id === 'prometheus')!;
    expect(after.state).toBe('running');
    expect(after.pid).not.toBe(before.pid);
    expect(await countFixture(`http://127.0.0.1:${env.ports.prometheus}`, await stackAuthHeaders(env.home), fixture)).toEqual(expectedFixture(fixture));

    expect(await lookout(['backup', 'restore', '../../etc'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/not a backup id/) });
    await lookout(['backup', 'create']);
    const pruned = JSON.parse((await lookout(['backup', 'prune', '--keep', '1', '--json'])).stdout) as { deleted: string[] };
    expect(pruned.deleted).toEqual([info.id]);
    expect(await lookout(['backup', 'prune', '--keep', '0'])).toMatchObject({ code: 2 });
  });
});
