import { Counter, Gauge, Registry } from 'prom-client';
import { collectProcessMetrics } from './service-metrics';
import type { ComponentState, ComponentStatus } from '../../../common/model';

const STATES: ComponentState[] = ['not-installed', 'stopped', 'starting', 'running', 'unhealthy', 'stopping', 'failed'];

/** Lookout's own /metrics: process metrics plus what the supervisor sees. */
export function createCoreMetrics(components: () => ComponentStatus[]) {
  const registry = new Registry();
  // The event-loop delay monitor wakes the process at its precision: prom-client's 10 ms default alone costs
  // ~0.4 % of a core, 50 ms about 0.1 %, and Lookout's idle budget is 1 % in all (docs/benchmarks.md).
  collectProcessMetrics(registry, 'lookout_', { eventLoopMonitoringPrecision: 50 });

  new Gauge({
    name: 'lookout_stack_component_up',
    help: 'Whether a supervised component is running and answering its readiness check (1) or not (0).',
    labelNames: ['component'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of components()) this.set({ component: c.id }, c.state === 'running' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'lookout_stack_component_state',
    help: 'Supervisor state of each component: 1 for the current state, 0 for the others.',
    labelNames: ['component', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of components()) for (const s of STATES) this.set({ component: c.id, state: s }, c.state === s ? 1 : 0);
    },
  });
  const restarts = new Counter({
    name: 'lookout_stack_component_unexpected_exits_total',
    help: 'Unexpected exits of supervised components (each one is followed by a restart or a failed state).',
    labelNames: ['component'],
    registers: [registry],
  });

  return {
    registry,
    countUnexpectedExit: (component: string) => restarts.inc({ component }),
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
