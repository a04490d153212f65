import path from 'node:path';
import { stringify } from 'yaml';
import type { InstallComponentId } from '../../../common/install';
import { GRAFANA_INI, GRAFANA_PROVISIONING } from '../grafana/ini';

/** The one compose project Lookout owns; `docker compose -p lookout` finds it whatever the file's path. */
export const COMPOSE_PROJECT = 'lookout';

/**
 * Official images, pinned by tag to the same releases as the native installs (release-catalog.ts):
 * promu tags images `v<version>` (prom/*); Jaeger and Grafana tag the bare version.
 * The prom/* images are busybox-based and Grafana's and Jaeger's are Alpine-based, so `wget` is there
 * for health checks (no curl in any of them).
 */
export const IMAGES: Record<InstallComponentId, string> = {
  prometheus: 'prom/prometheus:v3.14.0',
  alertmanager: 'prom/alertmanager:v0.34.0',
  node_exporter: 'prom/node-exporter:v1.12.1',
  grafana: 'grafana/grafana:12.4.3',
  jaeger: 'jaegertracing/jaeger:2.20.0',
};

/** Compose service names (DNS names inside the project network): node_exporter's underscore is not a valid hostname. */
export const SERVICE: Record<InstallComponentId, string> = {
  prometheus: 'prometheus',
  alertmanager: 'alertmanager',
  node_exporter: 'node-exporter',
  grafana: 'grafana',
  jaeger: 'jaeger',
};

/** The component a compose service runs, or null for a service Lookout did not render. */
export const componentOfService = (service: string): InstallComponentId | null =>
  (Object.entries(SERVICE).find(([, s]) => s === service)?.[0] as InstallComponentId | undefined) ?? null;

/** How the host (Lookout's /metrics and its Alertmanager webhook) is reached from inside a container. */
export const HOST_FROM_CONTAINER = 'host.docker.internal';

/**
 * Address of a component as other containers reach it: rendered configs for the Docker runtime must use
 * these instead of 127.0.0.1 (which inside a container is the container itself). Containers listen on
 * the same port number as the host side, so only the host name changes.
 */
export const containerAddress = (id: InstallComponentId, port: number): string => `${SERVICE[id]}:${port}`;

/** What the compose project is rendered from (compose-render.ts fills it from settings). */
export interface ComposeInput {
  /** `<home>/stack`: the rendered, validated configs, mounted read-only at the same absolute path. */
  stackDir: string;
  /** Enabled components and their host ports (always published on 127.0.0.1 only). */
  components: Partial<Record<InstallComponentId, { port: number }>>;
  prometheus?: { retentionTime: string; retentionSize: string };
  /** node_exporter's textfile collector dir (`<home>/data/node_exporter`), mounted read-only. */
  textfileDir?: string;
  /** Secret files a service's config references (e.g. Alertmanager's webhook token): each mounted read-only, alone. */
  secretFiles?: Partial<Record<InstallComponentId, string[]>>;
  /** Jaeger's OTLP and health-check ports on the host (gRPC, HTTP, health); the UI uses components.jaeger.port. */
  jaegerOtlp?: { grpc: number; http: number; health?: number };
  /** The exporter-toolkit web config (lock-down on): Prometheus and Alertmanager load it as natively. */
  webConfigFile?: string;
  images?: Partial<Record<InstallComponentId, string>>;
}

type Volume = { type: 'bind'; source: string; target: string; read_only: true; bind?: { propagation: string } } | { type: 'volume'; source: string; target: string };

const loopback = (host: number, container: number = host) => `127.0.0.1:${host}:${container}`;
const readOnly = (p: string): Volume => ({ type: 'bind', source: p, target: p, read_only: true });
const wget = (url: string) => ['CMD', 'wget', '-q', '-O', '/dev/null', url];
const health = (url: string) => ({ test: wget(url), interval: '5s', timeout: '3s', retries: 12, start_period: '10s' });
/**
 * Behind lock-down every path asks for the stack credential, which must not be in the compose file: a 401
 * then proves the server answers (busybox wget prints "server returned error: HTTP/1.1 401 Unauthorized").
 */
const lockedHealth = (url: string) => ({
  ...health(url),
  test: ['CMD-SHELL', `wget -q -O /dev/null ${url} 2>&1 | grep -q '401 Unauthorized' || wget -q -O /dev/null ${url}`],
});

/**
 * The compose project as a plain object (compose specification). Pure: same input, same output.
 * - every published port is `127.0.0.1:<host>:<container>`, never a bare port (which binds 0.0.0.0);
 * - configs come from the stack dir, bind-mounted read-only at the same absolute path, so the rendered
 *   files (and relative rule paths in them) work unchanged; secret files are mounted one by one, never
 *   the whole secrets dir (which also holds Lookout's API token);
 * - data lives in named volumes (`docker compose down` keeps them), mounted where each image keeps its
 *   data, so the image's non-root user owns it;
 * - containers listen on all interfaces *inside* their network namespace (a container bound to its own
 *   127.0.0.1 cannot be published at all); the host side stays loopback-only. No host network.
 * - health checks per image, `restart: unless-stopped`, dependencies wait for `service_healthy`.
 */
export function composeProject(input: ComposeInput): Record<string, unknown> {
  const c = input.components;
  const image = (id: InstallComponentId) => input.images?.[id] ?? IMAGES[id];
  const secrets = (id: InstallComponentId) => (input.secretFiles?.[id] ?? []).map(readOnly);
  const base = (id: InstallComponentId) => ({
    image: image(id),
    restart: 'unless-stopped',
    // Docker Desktop and OrbStack define host.docker.internal; host-gateway adds it on Docker Engine/Colima.
    extra_hosts: [`${HOST_FROM_CONTAINER}:host-gateway`],
    labels: { 'io.lookout.component': id },
  });
  const dependsOn = (ids: InstallComponentId[]) => {
    const present = ids.filter((d) => c[d]);
    return present.length ? { depends_on: Object.fromEntries(present.map((d) => [SERVICE[d], { condition: 'service_healthy' }])) } : {};
  };
  const webConfig = input.webConfigFile ? [`--web.config.file=${input.webConfigFile}`] : [];
  const promHealth = input.webConfigFile ? lockedHealth : health;
  const services: Record<string, unknown> = {};
  const volumes: Record<string, Record<string, never>> = {};

  if (c.node_exporter) {
    const { port } = c.node_exporter;
    services[SERVICE.node_exporter] = {
      ...base('node_exporter'),
      command: [
        `--web.listen-address=0.0.0.0:${port}`,
        '--path.rootfs=/host',
        '--no-collector.systemd',
        ...(input.textfileDir ? [`--collector.textfile.directory=${input.textfileDir}`] : []),
        ...webConfig,
      ],
      // The documented way to run it in a container (node_exporter README), minus host networking: the
      // host's (on a Mac: the Docker VM's) filesystems read-only, and its process table.
      pid: 'host',
      volumes: [{ type: 'bind', source: '/', target: '/host', read_only: true, bind: { propagation: 'rslave' } }, ...(input.textfileDir ? [readOnly(input.textfileDir)] : []), ...(input.webConfigFile ? [readOnly(input.webConfigFile)] : [])],
      ports: [loopback(port)],
      healthcheck: promHealth(`http://127.0.0.1:${port}/`),
    };
  }
  if (c.alertmanager) {
    const { port } = c.alertmanager;
    volumes['alertmanager-data'] = {};
    services[SERVICE.alertmanager] = {
      ...base('alertmanager'),
      command: [
        `--config.file=${path.join(input.stackDir, 'alertmanager.yml')}`,
        '--storage.path=/alertmanager',
        `--web.listen-address=0.0.0.0:${port}`,
        `--web.external-url=http://127.0.0.1:${port}/`,
        // The gossip listener stays off, as natively: nothing outside should reach it.
        '--cluster.listen-address=',
        ...webConfig,
      ],
      volumes: [readOnly(input.stackDir), ...secrets('alertmanager'), { type: 'volume', source: 'alertmanager-data', target: '/alertmanager' }],
      ports: [loopback(port)],
      healthcheck: promHealth(`http://127.0.0.1:${port}/-/ready`),
    };
  }
  if (c.prometheus) {
    const { port } = c.prometheus;
    volumes['prometheus-data'] = {};
    services[SERVICE.prometheus] = {
      ...base('prometheus'),
      command: [
        `--config.file=${path.join(input.stackDir, 'prometheus.yml')}`,
        '--storage.tsdb.path=/prometheus',
        ...(input.prometheus ? [`--storage.tsdb.retention.time=${input.prometheus.retentionTime}`, `--storage.tsdb.retention.size=${input.prometheus.retentionSize}`] : []),
        `--web.listen-address=0.0.0.0:${port}`,
        `--web.external-url=http://127.0.0.1:${port}/`,
        '--web.enable-lifecycle',
        '--enable-feature=exemplar-storage',
        '--rules.alert.resend-delay=15s',
        ...webConfig,
      ],
      volumes: [readOnly(input.stackDir), ...secrets('prometheus'), { type: 'volume', source: 'prometheus-data', target: '/prometheus' }],
      ports: [loopback(port)],
      healthcheck: promHealth(`http://127.0.0.1:${port}/-/ready`),
      // Prometheus needs time to close its TSDB cleanly (30 s natively too).
      stop_grace_period: '30s',
      ...dependsOn(['alertmanager', 'node_exporter']),
    };
  }
  if (c.grafana) {
    const { port } = c.grafana;
    volumes['grafana-data'] = {};
    services[SERVICE.grafana] = {
      ...base('grafana'),
      // Grafana's image documents GF_PATHS_* for its paths; GF_<SECTION>_<KEY> overrides grafana.ini.
      environment: {
        GF_PATHS_CONFIG: path.join(input.stackDir, ...GRAFANA_INI.split('/')),
        GF_PATHS_PROVISIONING: path.join(input.stackDir, ...GRAFANA_PROVISIONING.split('/')),
        GF_PATHS_DATA: '/var/lib/grafana',
        GF_PATHS_PLUGINS: '/var/lib/grafana/plugins',
        GF_PATHS_LOGS: '/var/log/grafana',
        GF_SERVER_HTTP_ADDR: '0.0.0.0',
        GF_SERVER_HTTP_PORT: String(port),
      },
      volumes: [readOnly(input.stackDir), ...secrets('grafana'), { type: 'volume', source: 'grafana-data', target: '/var/lib/grafana' }],
      ports: [loopback(port)],
      healthcheck: health(`http://127.0.0.1:${port}/api/health`),
      ...dependsOn(['prometheus']),
    };
  }
  if (c.jaeger) {
    const otlp = input.jaegerOtlp ?? { grpc: 4317, http: 4318 };
    services[SERVICE.jaeger] = {
      ...base('jaeger'),
      // Traces are kept in memory (the image's default all-in-one config): no volume.
      ports: [loopback(c.jaeger.port, 16686), loopback(otlp.grpc, 4317), loopback(otlp.http, 4318), ...(otlp.health ? [loopback(otlp.health, 13133)] : [])],
      healthcheck: health('http://127.0.0.1:13133/status'),
    };
  }
  return { name: COMPOSE_PROJECT, services, ...(Object.keys(volumes).length ? { volumes } : {}) };
}

/** docker-compose.yml text for the project. */
export function renderCompose(input: ComposeInput): string {
  return `# Rendered by Lookout from settings.json; edits here are overwritten.\n${stringify(composeProject(input), { lineWidth: 0 })}`;
}
