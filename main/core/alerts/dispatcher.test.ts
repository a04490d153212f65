import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock';
import type { Decision } from './decide';
import { inQuietHours, NotificationDispatcher, notificationFor, summaryFor } from './dispatcher';
import { NotificationLog } from './notification-log';
import type { DesktopNotification, NotificationAction, Notifier } from './ports';
import { alertsSettingsSchema, type AlertsSettings } from './settings-schema';

/** Records what it was asked to show; `fail` makes the next calls reject. */
class RecordingNotifier implements Notifier {
  shown: DesktopNotification[] = [];
  actions: Array<(a: NotificationAction) => void> = [];
  fail: string | null = null;
  async notify(n: DesktopNotification, onAction: (a: NotificationAction) => void): Promise<void> {
    if (this.fail) throw new Error(this.fail);
    this.shown.push(n);
    this.actions.push(onAction);
  }
}

const decision = (i: number, patch: Partial<Decision> = {}): Decision => ({
  kind: 'firing',
  group: `ServiceDown|svc${i}|critical`,
  name: 'ServiceDown',
  severity: 'critical',
  job: `svc${i}`,
  alerts: [],
  since: null,
  ...patch,
});

describe('NotificationDispatcher', () => {
  let dir: string;
  let clock: FakeClock;
  let notifier: RecordingNotifier;
  let log: NotificationLog;
  let settings: AlertsSettings['notifications'];
  let actions: Array<[string[], NotificationAction]>;
  let dispatcher: NotificationDispatcher;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lookout-dispatch-'));
    // 2026-01-05 12:00 local time: outside the default quiet hours.
    clock = new FakeClock();
    await clock.advance(new Date(2026, 0, 5, 12, 0).getTime() - clock.now());
    notifier = new RecordingNotifier();
    log = new NotificationLog(path.join(dir, 'notifications.jsonl'));
    settings = alertsSettingsSchema.parse({}).notifications;
    actions = [];
    dispatcher = new NotificationDispatcher({
      notifier,
      clock,
      log,
      logger: pino({ level: 'silent' }),
      settings: () => settings,
      linkFor: (d) => `http://127.0.0.1:3000/d/lookout-alerts?var-job=${d.job}`,
      onAction: (groups, a) => actions.push([groups, a]),
    });
  });
  afterEach(async () => {
    dispatcher.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };

  it('shows a single change after the storm window, with its Grafana link and ack/snooze actions', async () => {
    dispatcher.submit([decision(1)]);
    expect(notifier.shown).toEqual([]);
    await clock.advance(1_000);
    await settle();
    expect(notifier.shown).toHaveLength(1);
    expect(notifier.shown[0]).toMatchObject({ kind: 'firing', title: 'Critical: ServiceDown (svc1)', url: 'http://127.0.0.1:3000/d/lookout-alerts?var-job=svc1', actions: ['ack', 'snooze'] });
    notifier.actions[0]!('ack');
    expect(actions).toEqual([[['ServiceDown|svc1|critical'], 'ack']]);
    await settle();
    const logged = (await readFile(log.file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(logged).toMatchObject([{ kind: 'firing', groups: ['ServiceDown|svc1|critical'], delivered: true, reason: null }]);
  });

  it('turns a burst into one summary notification', async () => {
    dispatcher.submit([1, 2, 3, 4, 5].map((i) => decision(i)));
    await clock.advance(1_000);
    await settle();
    expect(notifier.shown).toHaveLength(1);
    expect(notifier.shown[0]).toMatchObject({ kind: 'summary', severity: 'critical', title: '5 alert changes (5 firing)', actions: [] });
    expect(notifier.shown[0]!.body).toBe('Firing: ServiceDown (svc1), ServiceDown (svc2), ServiceDown (svc3), ServiceDown (svc4) and 1 more');
  });

  it('names each alert once in a summary, even when the batch holds the same group several times (issue 16.6)', () => {
    const own = (patch: Partial<Decision> = {}) => decision(0, { group: 'LookoutPrometheusUnreachable|prometheus|critical', name: 'LookoutPrometheusUnreachable', job: 'prometheus', ...patch });
    const n = summaryFor([own(), decision(1), own(), own({ kind: 'resolved' }), own({ kind: 'resolved' })], 0);
    expect(n.body).toBe('Firing: LookoutPrometheusUnreachable (prometheus), ServiceDown (svc1). Resolved: LookoutPrometheusUnreachable (prometheus)');
  });

  it('shows up to maxIndividual changes one by one', async () => {
    dispatcher.submit([decision(1), decision(2, { kind: 'resolved', since: clock.now() - 90_000 })]);
    await clock.advance(1_000);
    await settle();
    expect(notifier.shown.map((n) => n.title)).toEqual(['Critical: ServiceDown (svc1)', 'Resolved: ServiceDown (svc2)']);
    expect(notifier.shown[1]!.body).toBe('No longer firing (notified 1 min 31 s ago)');
  });

  it('holds everything past maxPerMinute and shows it as one summary when the minute allows', async () => {
    for (let i = 0; i < 6; i++) {
      dispatcher.submit([decision(i)]);
      await clock.advance(1_000);
      await settle();
    }
    expect(notifier.shown).toHaveLength(6);
    dispatcher.submit([decision(10)]);
    dispatcher.submit([decision(11)]);
    await clock.advance(1_000);
    await settle();
    expect(notifier.shown).toHaveLength(6);
    await clock.advance(60_000);
    await settle();
    expect(notifier.shown).toHaveLength(7);
    expect(notifier.shown[6]).toMatchObject({ kind: 'summary', title: '2 alert changes (2 firing)' });
  });

  it('holds back non-critical notifications in quiet hours (logged), but not critical ones', async () => {
    settings = { ...settings, quietHours: { enabled: true, start: '11:00', end: '13:00' } };
    dispatcher.submit([decision(1, { severity: 'warning', group: 'HighLatency|svc1|warning', name: 'HighLatency' }), decision(2)]);
    await clock.advance(1_000);
    await settle();
    expect(notifier.shown.map((n) => n.title)).toEqual(['Critical: ServiceDown (svc2)']);
    const logged = (await readFile(log.file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(logged.find((e) => e.reason === 'quiet-hours')).toMatchObject({ title: 'Warning: HighLatency (svc1)', delivered: false });
  });

  it('logs a notifier failure with its reason', async () => {
    notifier.fail = 'notify-send: not found';
    dispatcher.submit([decision(1)]);
    await clock.advance(1_000);
    await settle();
    const logged = (await readFile(log.file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(logged).toMatchObject([{ delivered: false, reason: 'notify-send: not found' }]);
  });
});

describe('inQuietHours', () => {
  const at = (h: number, m = 0) => new Date(2026, 0, 5, h, m).getTime();
  const q = (start: string, end: string) => ({ enabled: true, start, end });
  it('handles ranges within a day and across midnight, start inclusive and end exclusive', () => {
    expect(inQuietHours(q('22:00', '08:00'), at(23))).toBe(true);
    expect(inQuietHours(q('22:00', '08:00'), at(7, 59))).toBe(true);
    expect(inQuietHours(q('22:00', '08:00'), at(8))).toBe(false);
    expect(inQuietHours(q('22:00', '08:00'), at(12))).toBe(false);
    expect(inQuietHours(q('12:00', '14:00'), at(12))).toBe(true);
    expect(inQuietHours(q('12:00', '14:00'), at(14))).toBe(false);
    expect(inQuietHours({ enabled: false, start: '00:00', end: '23:59' }, at(12))).toBe(false);
  });
});

describe('notificationFor', () => {
  it('says how many alerts a firing group holds', () => {
    const alerts = [1, 2, 3].map((i) => ({ summary: `llm is down (${i})` })) as unknown as Decision['alerts'];
    expect(notificationFor(decision(1, { alerts }), 0, null).body).toBe('llm is down (1) (+2 more)');
  });
});
