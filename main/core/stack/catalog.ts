import type { ComponentId } from '../../../common/model';
import { ALERTMANAGER_SPEC } from '../alertmanager/component';
import { GRAFANA_SPEC } from '../grafana/component';
import { JAEGER_SPEC } from '../jaeger/component';
import { NODE_EXPORTER_SPEC } from '../node-exporter/component';
import { PROMETHEUS_SPEC } from '../prometheus/component';
import type { ComponentSpec } from './component-spec';

/** Every component Lookout can supervise, by id. Adding one means a module with its spec and an entry here. */
export const CATALOG: Record<ComponentId, ComponentSpec> = {
  node_exporter: NODE_EXPORTER_SPEC,
  alertmanager: ALERTMANAGER_SPEC,
  prometheus: PROMETHEUS_SPEC,
  grafana: GRAFANA_SPEC,
  jaeger: JAEGER_SPEC,
};

export const spec = (id: ComponentId): ComponentSpec => CATALOG[id];
