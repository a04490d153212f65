import { ratioOrZero, sel, type DashboardDef, type DashboardItem, type PanelDef } from './model';
import {
  availabilityBudgetLeft,
  availabilitySli,
  describeAvailability,
  describeLatency,
  errorRatio,
  latencyBudgetLeft,
  latencySli,
  perJobObjectives,
  SERVICE_OBJECTIVES,
  type ReferenceService,
} from './slo';

const R = '$__rate_interval';
const RANGE = '$__range';
const UP_TEXT = { '0': { text: 'down', color: 'red' }, '1': { text: 'up', color: 'green' } };
const BUDGET_THRESHOLDS = [{ value: null, color: 'red' }, { value: 0, color: 'orange' }, { value: 0.25, color: 'green' }];

const quantile = (q: number, metric: string, by: string, extra?: string) =>
  `histogram_quantile(${q}, sum by (${by}) (rate(${metric}_bucket${sel(extra)}[${R}])))`;

/** Tokens and cache hit ratio: the LLM server's own metrics (any job exposing them shows up). */
function llmPanels(startId: number, byJob: boolean): PanelDef[] {
  const by = byJob ? 'job, ' : '';
  const legend = byJob ? '{{job}} ' : '';
  return [
    {
      id: startId,
      kind: 'timeseries',
      title: 'Tokens processed',
      description: 'Prompt and completion tokens per second, per model.',
      unit: 'suffix: tok/s',
      w: 8,
      min: 0,
      stacked: true,
      queries: [{ expr: `sum by (${by}model, direction) (rate(llm_tokens_processed_total${sel()}[${R}]))`, legend: `${legend}{{model}} {{direction}}` }],
    },
    {
      id: startId + 1,
      kind: 'stat',
      title: 'Tokens over the range',
      description: 'Tokens processed in the selected time range, prompt and completion.',
      unit: 'short',
      w: 8,
      queries: [{ expr: `sum by (${by}direction) (increase(llm_tokens_processed_total${sel()}[${RANGE}]))`, legend: `${legend}{{direction}}`, instant: true }],
    },
    {
      id: startId + 2,
      kind: 'timeseries',
      title: 'Cache hit ratio',
      description: 'Share of cache lookups that hit. A falling ratio means more work per request (and more latency).',
      unit: 'percentunit',
      w: 8,
      min: 0,
      max: 1,
      queries: [
        {
          expr: ratioOrZero(
            `sum${byJob ? ' by (job)' : ''} (rate(llm_cache_operations_total${sel('result="hit"')}[${R}]))`,
            `sum${byJob ? ' by (job)' : ''} (rate(llm_cache_operations_total${sel()}[${R}]))`,
          ),
          legend: byJob ? '{{job}}' : 'hit ratio',
        },
      ],
    },
  ];
}

/** Calls this service (or each job, on the overview) makes to other services: latency and outcome by peer. */
function ipcPanels(startId: number, byJob: boolean): PanelDef[] {
  const by = byJob ? 'job, ' : '';
  const legend = byJob ? '{{job}} → ' : '→ ';
  return [
    {
      id: startId,
      kind: 'timeseries',
      title: 'IPC latency by peer (p95)',
      description: 'Round trip of calls to other services (Unix socket or HTTP), 95th percentile per peer, measured by the caller.',
      unit: 's',
      w: 8,
      min: 0,
      queries: [{ expr: quantile(0.95, 'ipc_request_duration_seconds', `${by}peer, le`), legend: `${legend}{{peer}}` }],
    },
    {
      id: startId + 1,
      kind: 'timeseries',
      title: 'IPC calls by peer and outcome',
      description: 'Calls per second to each peer, split by ok and error.',
      unit: 'ops',
      w: 8,
      min: 0,
      queries: [{ expr: `sum by (${by}peer, status) (rate(ipc_requests_total${sel()}[${R}]))`, legend: `${legend}{{peer}} {{status}}` }],
    },
    {
      id: startId + 2,
      kind: 'timeseries',
      title: 'IPC error ratio by peer',
      description: 'Share of calls to each peer that failed.',
      unit: 'percentunit',
      w: 8,
      min: 0,
      queries: [
        {
          expr: ratioOrZero(
            `sum by (${by}peer) (rate(ipc_requests_total${sel('status="error"')}[${R}]))`,
            `sum by (${by}peer) (rate(ipc_requests_total${sel()}[${R}]))`,
          ),
          legend: `${legend}{{peer}}`,
        },
      ],
    },
  ];
}

/**
 * Calls other services make to this one, as the callers measure them (`peer` is the callee's job name). The
 * instance variable is the callee's, so it does not apply to the callers' series.
 */
function incomingIpcPanels(startId: number): PanelDef[] {
  const calls = (extra?: string) => `{peer=~"$job"${extra ? `,${extra}` : ''}}`;
  return [
    {
      id: startId,
      kind: 'timeseries',
      title: 'IPC latency seen by callers (p95)',
      description: 'Round trip of calls other services make to this one, 95th percentile per caller: what this service costs them.',
      unit: 's',
      w: 8,
      min: 0,
      queries: [{ expr: `histogram_quantile(0.95, sum by (job, le) (rate(ipc_request_duration_seconds_bucket${calls()}[${R}])))`, legend: '{{job}} →' }],
    },
    {
      id: startId + 1,
      kind: 'timeseries',
      title: 'IPC calls received by caller and outcome',
      description: 'Calls per second other services make to this one, split by ok and error.',
      unit: 'ops',
      w: 8,
      min: 0,
      queries: [{ expr: `sum by (job, status) (rate(ipc_requests_total${calls()}[${R}]))`, legend: '{{job}} → {{status}}' }],
    },
    {
      id: startId + 2,
      kind: 'timeseries',
      title: 'IPC error ratio seen by callers',
      description: 'Share of calls to this service that failed, per caller.',
      unit: 'percentunit',
      w: 8,
      min: 0,
      queries: [
        {
          expr: ratioOrZero(`sum by (job) (rate(ipc_requests_total${calls('status="error"')}[${R}]))`, `sum by (job) (rate(ipc_requests_total${calls()}[${R}]))`),
          legend: '{{job}} →',
        },
      ],
    },
  ];
}

/** Which reference services call others over IPC, and which are called: memory only answers, gui only calls. */
const SERVICE_IPC: Record<ReferenceService, { calls: boolean; called: boolean }> = {
  llm: { calls: true, called: true },
  memory: { calls: false, called: true },
  gui: { calls: true, called: false },
};

/** All instrumented services side by side: health, RED, objectives, tokens, cache and IPC. */
export const servicesOverviewDashboard: DashboardDef = {
  uid: 'lookout-services',
  title: 'Lookout / Services',
  description: 'Every instrumented service side by side: up, requests, errors, latency, objectives, tokens, cache and IPC.',
  tags: ['services'],
  job: { metric: 'http_requests_total', multi: true },
  items: [
    { id: 1, row: 'Now' },
    {
      id: 2,
      kind: 'stat',
      title: 'Up',
      description: "Whether Prometheus could scrape the service's /metrics at the last scrape.",
      unit: 'none',
      w: 8,
      thresholds: [{ value: null, color: 'red' }, { value: 1, color: 'green' }],
      valueText: UP_TEXT,
      queries: [{ expr: `up${sel()}`, legend: '{{job}}', instant: true }],
    },
    {
      id: 3,
      kind: 'stat',
      title: 'Requests',
      description: 'Requests per second, per service.',
      unit: 'reqps',
      w: 8,
      queries: [{ expr: `sum by (job) (rate(http_requests_total${sel()}[${R}]))`, legend: '{{job}}' }],
    },
    {
      id: 4,
      kind: 'stat',
      title: 'Errors',
      description: 'Share of requests answered with a 5xx, per service.',
      unit: 'percentunit',
      w: 8,
      thresholds: [{ value: null, color: 'green' }, { value: 0.01, color: 'orange' }, { value: 0.05, color: 'red' }],
      queries: [{ expr: errorRatio(R, { by: 'job' }), legend: '{{job}}' }],
    },
    { id: 10, row: 'Requests, errors, duration' },
    {
      id: 11,
      kind: 'timeseries',
      title: 'Request rate',
      description: 'Requests per second, per service.',
      unit: 'reqps',
      min: 0,
      queries: [{ expr: `sum by (job) (rate(http_requests_total${sel()}[${R}]))`, legend: '{{job}}' }],
    },
    {
      id: 12,
      kind: 'timeseries',
      title: 'Error ratio',
      description: 'Share of requests answered with a 5xx, per service.',
      unit: 'percentunit',
      min: 0,
      queries: [{ expr: errorRatio(R, { by: 'job' }), legend: '{{job}}' }],
    },
    {
      id: 13,
      kind: 'timeseries',
      title: 'Latency (p95)',
      description: '95th percentile of request duration, per service.',
      unit: 's',
      min: 0,
      queries: [{ expr: quantile(0.95, 'http_request_duration_seconds', 'job, le'), legend: '{{job}}' }],
    },
    {
      id: 14,
      kind: 'timeseries',
      title: 'Requests in flight',
      description: 'Requests being served right now, per service. Growing while the rate stays flat means requests pile up.',
      unit: 'short',
      min: 0,
      queries: [{ expr: `sum by (job) (http_requests_in_flight${sel()})`, legend: '{{job}}' }],
    },
    { id: 20, row: 'Objectives over the selected range' },
    {
      id: 21,
      kind: 'stat',
      title: 'Availability',
      description: 'Share of requests without a 5xx over the selected range, per service.',
      unit: 'percentunit',
      w: 6,
      decimals: 2,
      queries: [{ expr: availabilitySli(RANGE, { by: 'job' }), legend: '{{job}}', instant: true }],
    },
    {
      id: 22,
      kind: 'stat',
      title: 'Availability error budget left',
      description: `Budget left against each service's availability objective (reference services: ${Object.entries(SERVICE_OBJECTIVES)
        .map(([job, o]) => `${job} ${describeAvailability(o)}`)
        .join('; ')}; other services 99.5 %). 100 % untouched, 0 spent, negative overspent.`,
      unit: 'percentunit',
      w: 6,
      decimals: 1,
      thresholds: BUDGET_THRESHOLDS,
      queries: [{ expr: perJobObjectives((o, scope) => availabilityBudgetLeft(o, RANGE, scope)), legend: '{{job}}', instant: true }],
    },
    {
      id: 23,
      kind: 'stat',
      title: 'Fast enough',
      description: `Share of requests within each service's latency threshold over the selected range (${Object.entries(SERVICE_OBJECTIVES)
        .map(([job, o]) => `${job} ${o.latencyLe} s`)
        .join(', ')}; other services 1 s).`,
      unit: 'percentunit',
      w: 6,
      decimals: 2,
      queries: [{ expr: perJobObjectives((o, scope) => latencySli(o, RANGE, scope)), legend: '{{job}}', instant: true }],
    },
    {
      id: 24,
      kind: 'stat',
      title: 'Latency error budget left',
      description: "Budget left against each service's latency objective (95 % of requests within its threshold).",
      unit: 'percentunit',
      w: 6,
      decimals: 1,
      thresholds: BUDGET_THRESHOLDS,
      queries: [{ expr: perJobObjectives((o, scope) => latencyBudgetLeft(o, RANGE, scope)), legend: '{{job}}', instant: true }],
    },
    { id: 30, row: 'LLM: tokens and cache' },
    ...llmPanels(31, true),
    { id: 40, row: 'IPC between services' },
    ...ipcPanels(41, true),
  ],
};

const SERVICE_TITLES: Record<ReferenceService, string> = { llm: 'LLM server', memory: 'Memory server', gui: 'GUI server' };

/** What only this kind of service exposes. */
function specificPanels(service: ReferenceService): DashboardItem[] {
  switch (service) {
    case 'llm':
      return [
        { id: 30, row: 'Model' },
        ...llmPanels(31, false),
        {
          id: 34,
          kind: 'timeseries',
          title: 'Generation time by model (p95)',
          description: 'Time the model took per completion, 95th percentile, per model (excludes queueing and HTTP overhead).',
          unit: 's',
          w: 24,
          min: 0,
          queries: [{ expr: quantile(0.95, 'llm_request_duration_seconds', 'model, le'), legend: '{{model}}' }],
        },
      ];
    case 'memory':
      return [
        { id: 30, row: 'Store' },
        {
          id: 31,
          kind: 'timeseries',
          title: 'Items stored',
          description: 'Items in the memory store.',
          unit: 'short',
          min: 0,
          queries: [{ expr: `memory_items${sel()}`, legend: '{{instance}}' }],
        },
        {
          id: 32,
          kind: 'timeseries',
          title: 'Search time',
          description: 'Time to search the store, median and 95th percentile.',
          unit: 's',
          min: 0,
          queries: [
            { expr: quantile(0.5, 'memory_search_duration_seconds', 'le'), legend: 'p50' },
            { expr: quantile(0.95, 'memory_search_duration_seconds', 'le'), legend: 'p95' },
          ],
        },
      ];
    case 'gui':
      return [];
  }
}

/** One reference service in depth: RED, its objectives and budgets, what it alone exposes, IPC, its process. */
function serviceDashboard(service: ReferenceService): DashboardDef {
  const o = SERVICE_OBJECTIVES[service];
  const title = SERVICE_TITLES[service];
  return {
    uid: `lookout-service-${service}`,
    title: `Lookout / ${title}`,
    description: `The ${title.toLowerCase()} (job ${service}) in depth. Objectives: ${describeAvailability(o)}; ${describeLatency(o)}.`,
    tags: ['services', service],
    job: { metric: 'http_requests_total', default: service, multi: false },
    items: [
      { id: 1, row: 'Requests, errors, duration' },
      {
        id: 2,
        kind: 'timeseries',
        title: 'Requests by route and status',
        description: 'Requests per second per route template and status code.',
        unit: 'reqps',
        min: 0,
        stacked: true,
        queries: [{ expr: `sum by (route, status) (rate(http_requests_total${sel()}[${R}]))`, legend: '{{route}} {{status}}' }],
      },
      {
        id: 3,
        kind: 'timeseries',
        title: 'Error ratio',
        description: `Share of requests answered with a 5xx. The dashed line is the most the availability objective allows (${describeAvailability(o)}).`,
        unit: 'percentunit',
        min: 0,
        thresholds: [{ value: null, color: 'green' }, { value: +(1 - o.availability).toFixed(6), color: 'red' }],
        showThresholds: true,
        queries: [{ expr: errorRatio(R), legend: '5xx share' }],
      },
      {
        id: 4,
        kind: 'timeseries',
        title: 'Latency',
        description: `Request duration: median, 95th and 99th percentile. The dashed line is the latency objective's threshold (${o.latencyLe} s).`,
        unit: 's',
        min: 0,
        thresholds: [{ value: null, color: 'green' }, { value: Number(o.latencyLe), color: 'red' }],
        showThresholds: true,
        queries: [
          { expr: quantile(0.5, 'http_request_duration_seconds', 'le'), legend: 'p50' },
          { expr: quantile(0.95, 'http_request_duration_seconds', 'le'), legend: 'p95' },
          { expr: quantile(0.99, 'http_request_duration_seconds', 'le'), legend: 'p99' },
        ],
      },
      {
        id: 5,
        kind: 'timeseries',
        title: 'Latency by route (p95)',
        description: '95th percentile of request duration per route template.',
        unit: 's',
        min: 0,
        queries: [{ expr: quantile(0.95, 'http_request_duration_seconds', 'route, le'), legend: '{{route}}' }],
      },
      { id: 10, row: 'Objectives over the selected range' },
      {
        id: 11,
        kind: 'stat',
        title: 'Availability',
        description: `Share of requests without a 5xx. Objective: ${describeAvailability(o)}.`,
        unit: 'percentunit',
        w: 6,
        decimals: 2,
        thresholds: [{ value: null, color: 'red' }, { value: o.availability, color: 'green' }],
        queries: [{ expr: availabilitySli(RANGE), legend: 'availability', instant: true }],
      },
      {
        id: 12,
        kind: 'stat',
        title: 'Availability error budget left',
        description: 'Share of the allowed 5xx budget not yet used in the selected range: 100 % untouched, 0 spent, negative overspent.',
        unit: 'percentunit',
        w: 6,
        decimals: 1,
        thresholds: BUDGET_THRESHOLDS,
        queries: [{ expr: availabilityBudgetLeft(o, RANGE), legend: 'budget left', instant: true }],
      },
      {
        id: 13,
        kind: 'stat',
        title: `Within ${o.latencyLe} s`,
        description: `Share of requests answered within ${o.latencyLe} s. Objective: ${describeLatency(o)}.`,
        unit: 'percentunit',
        w: 6,
        decimals: 2,
        thresholds: [{ value: null, color: 'red' }, { value: o.latencyShare, color: 'green' }],
        queries: [{ expr: latencySli(o, RANGE), legend: 'fast enough', instant: true }],
      },
      {
        id: 14,
        kind: 'stat',
        title: 'Latency error budget left',
        description: 'Share of the allowed slow-request budget not yet used in the selected range.',
        unit: 'percentunit',
        w: 6,
        decimals: 1,
        thresholds: BUDGET_THRESHOLDS,
        queries: [{ expr: latencyBudgetLeft(o, RANGE), legend: 'budget left', instant: true }],
      },
      {
        id: 15,
        kind: 'timeseries',
        title: 'Availability over time',
        description: `Share of requests without a 5xx in each rate window, against the objective (${describeAvailability(o)}).`,
        unit: 'percentunit',
        w: 24,
        max: 1,
        thresholds: [{ value: null, color: 'red' }, { value: o.availability, color: 'green' }],
        showThresholds: true,
        queries: [{ expr: `1 - ${errorRatio(R)}`, legend: 'availability' }],
      },
      ...specificPanels(service),
      ...(SERVICE_IPC[service].calls ? [{ id: 40, row: 'IPC: calls to other services' }, ...ipcPanels(41, false)] : []),
      ...(SERVICE_IPC[service].called ? [{ id: 44, row: 'IPC: calls from other services' }, ...incomingIpcPanels(45)] : []),
      { id: 50, row: 'Process' },
      {
        id: 51,
        kind: 'timeseries',
        title: 'CPU',
        description: "CPU the service's process used, in cores (from its own process metrics).",
        unit: 'percentunit',
        w: 8,
        min: 0,
        queries: [{ expr: `rate(process_cpu_seconds_total${sel()}[${R}])`, legend: '{{instance}}' }],
      },
      {
        id: 52,
        kind: 'timeseries',
        title: 'Memory',
        description: 'Resident memory and JavaScript heap in use.',
        unit: 'bytes',
        w: 8,
        min: 0,
        queries: [
          { expr: `process_resident_memory_bytes${sel()}`, legend: 'resident {{instance}}' },
          { expr: `nodejs_heap_size_used_bytes${sel()}`, legend: 'heap used {{instance}}' },
        ],
      },
      {
        id: 53,
        kind: 'timeseries',
        title: 'Event loop lag (p99)',
        description: "99th percentile of the Node event loop's delay: a busy loop delays every request.",
        unit: 's',
        w: 8,
        min: 0,
        queries: [{ expr: `nodejs_eventloop_lag_p99_seconds${sel()}`, legend: '{{instance}}' }],
      },
    ],
  };
}

export const serviceDashboards: Record<ReferenceService, DashboardDef> = {
  llm: serviceDashboard('llm'),
  memory: serviceDashboard('memory'),
  gui: serviceDashboard('gui'),
};
