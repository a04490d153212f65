import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../settings/schema';
import { remoteWriteConfigs } from './render';
import { parseExposition, remoteWriteStatusFrom } from './status';

const FIXTURE = path.resolve(import.meta.dirname, '../../../test/fixtures/prometheus/remote-storage-metrics.txt');
const target = (extra: Record<string, unknown> = {}) => ({ name: 'mimir', url: 'https://mimir.example.org/api/v1/push', ...extra });
const parse = (remoteWrite: unknown[]) => settingsSchema.safeParse({ stack: { remoteWrite } });

describe('stack.remoteWrite settings', () => {
  it('names the field of each mistake', () => {
    const issue = (list: unknown[]) => {
      const r = parse(list);
      return r.success ? null : `${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
    };
    expect(issue([target(), target()])).toBe('stack.remoteWrite.1.name: duplicate remote-write name "mimir"');
    expect(issue([target({ headers: { Authorization: 'Bearer x' } })])).toMatch(/^stack\.remoteWrite\.0\.headers\.Authorization: .*use basicAuth or bearerTokenFile/);
    expect(issue([target({ basicAuth: { username: 'u', passwordFile: '/p' }, bearerTokenFile: '/t' })])).toMatch(/bearerTokenFile: cannot be combined with basicAuth/);
    expect(issue([target({ queue: { minShards: 5, maxShards: 2 } })])).toBe('stack.remoteWrite.0.queue.minShards: must not be above maxShards');
    expect(issue([target({ queue: { batchSendDeadline: '5 seconds' } })])).toMatch(/queue\.batchSendDeadline: must be a Prometheus duration/);
    expect(issue([target({ basicAuth: { username: 'u', passwordFile: 'relative' } })])).toMatch(/basicAuth\.passwordFile: must be an absolute path/);
    expect(issue([target({ url: 'mimir.example.org' })])).toMatch(/^stack\.remoteWrite\.0\.url/);
    expect(issue([target({ writeRelabel: [{ action: 'explode' }] })])).toMatch(/writeRelabel\.0\.action/);
  });
});

describe('remote_write rendering', () => {
  it('maps settings to Prometheus keys, credentials as files, unset queue fields left to Prometheus', () => {
    const s = settingsSchema.parse({
      stack: {
        remoteWrite: [
          target({ bearerTokenFile: '/secrets/mimir-token', headers: { 'X-Scope-OrgID': 'team-a' }, queue: { maxShards: 10, maxSamplesPerSend: 2000 } }),
          { name: 'vm', url: 'http://vminsert:8480/insert/42/prometheus/api/v1/write', basicAuth: { username: 'w', passwordFile: '/secrets/vm' }, writeRelabel: [{ sourceLabels: ['__name__'], regex: 'go_.*', action: 'drop' }] },
        ],
      },
    });
    expect(remoteWriteConfigs(s.stack.remoteWrite)).toEqual([
      { name: 'mimir', url: 'https://mimir.example.org/api/v1/push', headers: { 'X-Scope-OrgID': 'team-a' }, authorization: { type: 'Bearer', credentials_file: '/secrets/mimir-token' }, queue_config: { max_shards: 10, max_samples_per_send: 2000 } },
      { name: 'vm', url: 'http://vminsert:8480/insert/42/prometheus/api/v1/write', basic_auth: { username: 'w', password_file: '/secrets/vm' }, write_relabel_configs: [{ source_labels: ['__name__'], regex: 'go_.*', action: 'drop' }] },
    ]);
  });
});

describe('remote-write status from /metrics', () => {
  it('reads the recorded Prometheus 2.42 figures of a target that refuses every batch', async () => {
    const text = await readFile(FIXTURE, 'utf8');
    const [down, missing] = remoteWriteStatusFrom(text, [
      { name: 'down', url: 'http://127.0.0.1:1/api/v1/write', headers: {}, writeRelabel: [] },
      { name: 'other', url: 'http://x', headers: {}, writeRelabel: [] },
    ]);
    // samples_total 4000 counts attempts: 3500 retried, 500 the batch in flight.
    expect(down).toEqual({ name: 'down', url: 'http://127.0.0.1:1/api/v1/write', samplesPending: 2711, samplesSent: 500, samplesFailed: 0, samplesRetried: 3500, samplesDropped: 0, shards: 1, error: 'nothing sent yet' });
    expect(down!.lagSeconds).toBeUndefined();
    expect(missing).toEqual({ name: 'other', url: 'http://x', error: expect.stringMatching(/reports no queue for this target/) });
  });

  it('computes the lag from the WAL\'s newest timestamp and the newest sent, and unescapes label values', () => {
    const text = [
      'prometheus_remote_storage_highest_timestamp_in_seconds 1000',
      'prometheus_remote_storage_queue_highest_sent_timestamp_seconds{remote_name="a",url="http://x/\\"q\\""} 940',
      'prometheus_remote_storage_samples_pending{remote_name="a",url="http://x"} 12',
      'prometheus_remote_storage_samples_total{remote_name="a",url="http://x"} 100',
    ].join('\n');
    expect(parseExposition(text, 'prometheus_remote_storage_queue')[0]!.labels.url).toBe('http://x/"q"');
    expect(remoteWriteStatusFrom(text, [{ name: 'a', url: 'http://x', headers: {}, writeRelabel: [] }])[0]).toEqual({ name: 'a', url: 'http://x', samplesPending: 12, samplesSent: 100, lagSeconds: 60 });
  });
});

describe('external labels', () => {
  it('render into global.external_labels, so series from two machines stay apart in one store', async () => {
    const { prometheusConfig } = await import('../prometheus/component');
    const s = settingsSchema.parse({ stack: { externalLabels: { machine: 'laptop-1' } } });
    expect((prometheusConfig(s, { secretsDir: '/s' }) as { global: Record<string, unknown> }).global.external_labels).toEqual({ machine: 'laptop-1' });
    expect(settingsSchema.safeParse({ stack: { externalLabels: { 'bad-name': 'x' } } }).success).toBe(false);
    expect(settingsSchema.safeParse({ stack: { externalLabels: { __x: 'x' } } }).success).toBe(false);
  });
});
