/**
 * The dashboards Lookout provisions at run time: the committed export in assets/grafana/dashboards/,
 * bundled as JSON. Building them from code needs @grafana/grafana-foundation-sdk, which would cost
 * every running Lookout its memory for a result that never changes between releases; the drift test
 * (dashboards.test.ts, dashboards-export.test.ts) keeps these files identical to what the code builds.
 */
import alerts from '../../../assets/grafana/dashboards/lookout-alerts.json' with { type: 'json' };
import serviceGui from '../../../assets/grafana/dashboards/lookout-service-gui.json' with { type: 'json' };
import serviceLlm from '../../../assets/grafana/dashboards/lookout-service-llm.json' with { type: 'json' };
import serviceMemory from '../../../assets/grafana/dashboards/lookout-service-memory.json' with { type: 'json' };
import services from '../../../assets/grafana/dashboards/lookout-services.json' with { type: 'json' };
import stack from '../../../assets/grafana/dashboards/lookout-stack.json' with { type: 'json' };
import system from '../../../assets/grafana/dashboards/lookout-system.json' with { type: 'json' };

const FILES: Array<[string, unknown]> = [
  ['lookout-alerts.json', alerts],
  ['lookout-service-gui.json', serviceGui],
  ['lookout-service-llm.json', serviceLlm],
  ['lookout-service-memory.json', serviceMemory],
  ['lookout-services.json', services],
  ['lookout-stack.json', stack],
  ['lookout-system.json', system],
];

/** `<uid>.json` files as Grafana reads them, byte for byte what `lookout dashboards export` writes. */
export function committedDashboards(): Array<{ name: string; content: string }> {
  return FILES.map(([name, json]) => ({ name, content: `${JSON.stringify(json, null, 2)}\n` }));
}
