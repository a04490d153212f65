import type { RemoteWriteTarget } from './settings-schema';

const defined = <T extends Record<string, unknown>>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * prometheus.yml's `remote_write` from `stack.remoteWrite`. Pure. Credentials stay files
 * (`basic_auth.password_file`, `authorization.credentials_file`), so the rendered config holds no secret;
 * `name` becomes the remote_name label of Prometheus' prometheus_remote_storage_* metrics, which the
 * status reads (./status.ts).
 */
export function remoteWriteConfigs(targets: RemoteWriteTarget[]): Record<string, unknown>[] {
  return targets.map((t) =>
    defined({
      name: t.name,
      url: t.url,
      headers: Object.keys(t.headers).length ? { ...t.headers } : undefined,
      basic_auth: t.basicAuth ? { username: t.basicAuth.username, password_file: t.basicAuth.passwordFile } : undefined,
      authorization: t.bearerTokenFile ? { type: 'Bearer', credentials_file: t.bearerTokenFile } : undefined,
      queue_config: t.queue
        ? defined({
            capacity: t.queue.capacity,
            min_shards: t.queue.minShards,
            max_shards: t.queue.maxShards,
            max_samples_per_send: t.queue.maxSamplesPerSend,
            batch_send_deadline: t.queue.batchSendDeadline,
            min_backoff: t.queue.minBackoff,
            max_backoff: t.queue.maxBackoff,
            retry_on_http_429: t.queue.retryOnHttp429,
          })
        : undefined,
      write_relabel_configs: t.writeRelabel.length
        ? t.writeRelabel.map((r) =>
            defined({
              source_labels: r.sourceLabels,
              separator: r.separator,
              regex: r.regex,
              modulus: r.modulus,
              target_label: r.targetLabel,
              replacement: r.replacement,
              action: r.action,
            }),
          )
        : undefined,
    }),
  );
}
