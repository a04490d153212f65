/**
 * The menubar app's core host under the shell's supervisor, for real: child_process.fork stands in for
 * Electron's utilityProcess (whose binary cannot be downloaded here; test/fakes/utility-process-stand-in.ts),
 * the child is the real core host entry (main/core-host/main.ts) with a real core on a test home, and the
 * shell's side is the real supervisor and HTTP connection (main/electron/core-supervisor.ts, core-connection.ts).
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreEndpoint, DesktopNotification, NotificationAction } from '../../common/core-host';
import type { StackSnapshot } from '../../common/model';
import { systemClock } from '../../main/core/adapters/clock';
import type { Notifier, SecretCipher } from '../../main/core/alerts/ports';
import { secretFile } from '../../main/core/alerts/secret-files';
import { paths as layout } from '../../main/core/paths';
import { createCoreConnection } from '../../main/electron/core-connection';
import { superviseCore, type CoreProcessState, type CoreSupervisor } from '../../main/electron/core-supervisor';
import { CORE_HOST_ENTRY, utilityProcessStandIn } from '../fakes/utility-process-stand-in';
import { makeHome, waitFor, type TestHome } from '../support/stack-env';

const STAND_IN_CHILD = path.resolve(import.meta.dirname, '..', 'fakes', 'notifying-core-host-stand-in.ts');

/** A stand-in for safeStorage: reversible, and visibly not the plaintext. */
const fakeCipher: SecretCipher = {
  available: async () => true,
  encrypt: async (plain) => Buffer.from(`enc:${Buffer.from(plain).toString('hex')}`),
  decrypt: async (blob) => Buffer.from(Buffer.from(blob).toString().replace(/^enc:/, ''), 'hex').toString(),
};

/** A stand-in for Electron's Notification: records what it was asked to show, and can press a button. */
function recordingNotifier() {
  const shown: Array<{ notification: DesktopNotification; press(action: NotificationAction): void }> = [];
  const notifier: Notifier = {
    async notify(notification, onAction) {
      shown.push({ notification, press: onAction });
    },
  };
  return { notifier, shown };
}

/** The next `ready` of a process other than `not` (the supervisor's ready() answers the current one). */
function nextReady(supervisor: CoreSupervisor, not: number): Promise<Extract<CoreProcessState, { phase: 'ready' }>> {
  return new Promise((resolve) => {
    const off = supervisor.onState((s) => {
      if (s.phase === 'ready' && s.endpoint.pid !== not) {
        off();
        resolve(s);
      }
    });
  });
}

describe('the core host, supervised (child_process.fork standing in for utilityProcess)', () => {
  let env: TestHome;
  let supervisor: CoreSupervisor;
  const connection = createCoreConnection();
  const snapshots: Array<{ at: number; snapshot: StackSnapshot }> = [];
  let launcher: ReturnType<typeof utilityProcessStandIn>;

  beforeAll(async () => {
    env = await makeHome();
    // Port 0: each process gets a new port, so a stale URL could not pass for the new one.
    launcher = utilityProcessStandIn(CORE_HOST_ENTRY, ['--port', '0'], { ...process.env, LOOKOUT_HOME: env.home });
    supervisor = superviseCore({
      launch: launcher,
      services: { notifier: recordingNotifier().notifier, cipher: fakeCipher },
      clock: systemClock,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      timings: { backoffMs: 200, readyTimeoutMs: 90_000 },
    });
    supervisor.onState((s) => (s.phase === 'ready' ? connection.connect(s.endpoint) : connection.disconnect()));
    connection.on('stack:changed', (snapshot) => snapshots.push({ at: Date.now(), snapshot }));
    supervisor.start();
  });

  afterAll(async () => {
    connection.close();
    await supervisor?.stop();
    await env?.cleanup();
  });

  let first: CoreEndpoint;

  it('starts the core, announces its URL and token, and the shell is an HTTP/SSE client of it', async () => {
    first = await Promise.race([supervisor.ready(), waitFor('the core host to fail', () => (supervisor.state().phase === 'failed' ? launcher.output() : null), 90_000).then((out) => Promise.reject(new Error(out)))]);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.pid).toBe(launcher.children[0]!.pid);
    expect(await connection.invoke('app:info', {})).toMatchObject({ mode: 'electron', home: env.home });
    // The event stream opens with the current state: the tray needs no fetch of its own.
    await waitFor('the first stack:changed', () => snapshots.length > 0 || null, 10_000);
    // Published for the CLI like `lookout serve` is.
    expect(JSON.parse(await readFile(layout(env.home).serveFile, 'utf8'))).toMatchObject({ url: first.url, token: first.token, pid: first.pid });
  });

  it("stores a receiver secret through the shell's cipher (safeStorage in the app)", async () => {
    const status = await connection.invoke('secrets:set', { name: 'slackUrl', value: 'https://hooks.slack.com/services/T/B/x' });
    expect(status.slackUrl).toBe(true);
    const dir = layout(env.home).secretsDir;
    const files = await readdir(dir);
    const enc = files.find((f) => f.endsWith('.enc'));
    expect(enc).toBeDefined();
    const blob = await readFile(path.join(dir, enc!), 'utf8');
    expect(blob).toBe(`enc:${Buffer.from('https://hooks.slack.com/services/T/B/x').toString('hex')}`);
    expect((await stat(path.join(dir, enc!))).mode & 0o777).toBe(0o600);
  });

  it('restarts the core after SIGKILL and picks up the new URL and token', async () => {
    // A new token for the next process, so picking it up is visible; and Alertmanager's plaintext copy of
    // the secret gone, so the new core must re-create it from the encrypted one through the shell's cipher.
    await rm(layout(env.home).tokenFile);
    const plain = secretFile(layout(env.home).secretsDir, 'slackUrl');
    await rm(plain);
    const back = nextReady(supervisor, first.pid);
    const since = Date.now();
    process.kill(first.pid, 'SIGKILL');
    const second = await back;
    expect(second.restarts).toBe(1);
    expect(second.lastFailure).toMatchObject({ exit: { signal: 'SIGKILL' }, reason: 'the core exited unexpectedly (signal SIGKILL)' });
    expect(second.endpoint.pid).not.toBe(first.pid);
    expect(second.endpoint.token).not.toBe(first.token);
    expect(connection.endpoint).toEqual({ url: second.endpoint.url, token: second.endpoint.token });
    // Calls and events go to the new core.
    expect(await connection.invoke('app:info', {})).toMatchObject({ mode: 'electron' });
    await waitFor('a stack:changed from the new core', () => snapshots.some((s) => s.at >= since) || null, 10_000);
    // The old token opens nothing on the new core.
    const refused = await fetch(`${second.endpoint.url}/api/v1/info`, { headers: { Authorization: `Bearer ${first.token}` } });
    expect(refused.status).toBe(401);
    expect((await connection.invoke('secrets:get', {})).slackUrl).toBe(true);
    expect(await readFile(plain, 'utf8')).toBe('https://hooks.slack.com/services/T/B/x');
  });

  it('stops in order when the shell quits: the process exits 0 and unpublishes itself', async () => {
    const pid = (supervisor.state() as Extract<CoreProcessState, { phase: 'ready' }>).endpoint.pid;
    const child = launcher.children.find((c) => c.pid === pid)!;
    const exit = new Promise((resolve) => child.onExit(resolve));
    await supervisor.stop();
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(supervisor.state().phase).toBe('stopped');
    await expect(stat(layout(env.home).serveFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('a notification the core host asks for', () => {
  it("reaches the shell's notifier, and its button goes back to the child", async () => {
    const { notifier, shown } = recordingNotifier();
    const launcher = utilityProcessStandIn(STAND_IN_CHILD);
    const supervisor = superviseCore({ launch: launcher, services: { notifier, cipher: null }, clock: systemClock, logger: pino({ level: 'silent' }) });
    try {
      supervisor.start();
      await supervisor.ready();
      await waitFor('the notification', () => shown[0] ?? null, 20_000);
      expect(shown[0]!.notification).toMatchObject({ kind: 'firing', severity: 'critical', title: 'ServiceDown: llm', actions: ['ack', 'snooze'] });
      shown[0]!.press('snooze');
      await waitFor('the child to hear the button', () => shown[1] ?? null, 20_000);
      expect(shown[1]!.notification.title).toBe('pressed snooze');
    } finally {
      await supervisor.stop();
    }
  });
});
