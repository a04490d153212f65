/**
 * The dashboards Lookout provisions at run time: the committed export in assets/grafana/dashboards/,
 * bundled as JSON. Building them from code needs @grafana/grafana-foundation-sdk, which would cost
 * every running Lookout its memory for a result that never changes between releases; the drift test
 * (dashboards.test.ts, dashboards-export.test.ts) keeps these files identical to what the code builds.
 *
 * Two sets: assets/grafana/dashboards/ (every dashboard, no log panels) and assets/grafana/dashboards-loki/
 * (the service dashboards with their Loki log panels, `lookout dashboards export --loki`), which replace
 * their namesakes when a Loki ship target is configured. The export does not read settings: the Loki
 * panels name the datasource by its fixed uid, so the JSON is the same for any Loki URL.
 */
import alerts from '../../../assets/grafana/dashboards/lookout-alerts.json' with { type: 'json' };
import serviceGui from '../../../assets/grafana/dashboards/lookout-service-gui.json' with { type: 'json' };
import serviceLlm from '../../../assets/grafana/dashboards/lookout-service-llm.json' with { type: 'json' };
import serviceMemory from '../../../assets/grafana/dashboards/lookout-service-memory.json' with { type: 'json' };
import services from '../../../assets/grafana/dashboards/lookout-services.json' with { type: 'json' };
import stack from '../../../assets/grafana/dashboards/lookout-stack.json' with { type: 'json' };
import system from '../../../assets/grafana/dashboards/lookout-system.json' with { type: 'json' };
import lokiServiceGui from '../../../assets/grafana/dashboards-loki/lookout-service-gui.json' with { type: 'json' };
import lokiServiceLlm from '../../../assets/grafana/dashboards-loki/lookout-service-llm.json' with { type: 'json' };
import lokiServiceMemory from '../../../assets/grafana/dashboards-loki/lookout-service-memory.json' with { type: 'json' };
import lokiServices from '../../../assets/grafana/dashboards-loki/lookout-services.json' with { type: 'json' };

const FILES: Array<[string, unknown]> = [
  ['lookout-alerts.json', alerts],
  ['lookout-service-gui.json', serviceGui],
  ['lookout-service-llm.json', serviceLlm],
  ['lookout-service-memory.json', serviceMemory],
  ['lookout-services.json', services],
  ['lookout-stack.json', stack],
  ['lookout-system.json', system],
];

const LOKI_FILES: Array<[string, unknown]> = [
  ['lookout-service-gui.json', lokiServiceGui],
  ['lookout-service-llm.json', lokiServiceLlm],
  ['lookout-service-memory.json', lokiServiceMemory],
  ['lookout-services.json', lokiServices],
];

const asFile = ([name, json]: [string, unknown]) => ({ name, content: `${JSON.stringify(json, null, 2)}\n` });

/**
 * `<uid>.json` files as Grafana reads them, byte for byte what `lookout dashboards export` writes; with
 * `loki`, the service dashboards are the Loki variant (`export --loki`). Same names, same order either way.
 */
export function committedDashboards(options: { loki?: boolean } = {}): Array<{ name: string; content: string }> {
  const loki = new Map(options.loki ? LOKI_FILES : []);
  return FILES.map(([name, json]) => asFile([name, loki.get(name) ?? json]));
}

/** Only the Loki variants, as `lookout dashboards export --loki` writes them (for the drift test). */
export function committedLokiDashboards(): Array<{ name: string; content: string }> {
  return LOKI_FILES.map(asFile);
}
