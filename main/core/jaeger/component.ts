import path from 'node:path';
import type { Settings } from '../settings/schema';
import type { ComponentSpec } from '../stack/component-spec';
import { JAEGER_COMPONENT, renderJaegerConfig, type JaegerPorts } from '../traces/jaeger-config';
import type { ForwardTarget } from '../traces/pipeline';

/** Jaeger's rendered config, relative to the stack dir. */
export const JAEGER_CONFIG = 'jaeger/config.yaml';

export function jaegerPorts(settings: Settings): JaegerPorts {
  const j = settings.stack.components.jaeger;
  return { ui: j.port, queryGrpc: j.queryGrpcPort, otlpGrpc: j.otlpGrpcPort, otlpHttp: j.otlpHttpPort, health: j.healthPort, metrics: j.metricsPort };
}

/** Where Lookout forwards the traces it keeps: Jaeger's OTLP/HTTP receiver when Jaeger is enabled, else nowhere. */
export function jaegerForwardTarget(settings: Settings): ForwardTarget | null {
  const j = settings.stack.components.jaeger;
  return j.enabled ? { url: JAEGER_COMPONENT.otlpHttpTracesUrl(jaegerPorts(settings)), queueSpans: j.forwardQueue } : null;
}

/**
 * Jaeger v2 as a supervised component: one `jaeger` binary (an OpenTelemetry Collector build) run with
 * Lookout's rendered config, every endpoint on 127.0.0.1. Lookout's own receiver takes the traces,
 * samples them and forwards what it keeps, so sampling stays in one place. Jaeger has no reload
 * endpoint: a config change restarts it. No Homebrew formula exists for v2, so it is installed from the
 * release download (main/core/install).
 */
export const JAEGER_SPEC: ComponentSpec = {
  id: 'jaeger',
  name: 'Jaeger',
  binaries: [...JAEGER_COMPONENT.binaries],
  install: { brew: 'lookout install jaeger (the release download: Jaeger v2 has no Homebrew formula)', apt: 'lookout install jaeger' },
  dependsOn: [],
  readinessPath: '/status',
  healthBaseUrl: (s) => `http://127.0.0.1:${s.stack.components.jaeger.healthPort}`,
  reloadPath: null,
  stopGraceMs: 10_000,
  configFiles: ['jaeger'],
  render: (s, p) => {
    const j = s.stack.components.jaeger;
    const storage = j.storage === 'memory' ? { kind: 'memory' as const, maxTraces: j.maxTraces } : { kind: 'badger' as const, ttl: j.retention };
    return [{ path: JAEGER_CONFIG, content: renderJaegerConfig({ home: p.home, storage, ports: jaegerPorts(s) }) }];
  },
  args: (_s, p) => JAEGER_COMPONENT.args(path.join(p.stackDir, ...JAEGER_CONFIG.split('/'))),
};
