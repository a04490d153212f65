/**
 * Lookout's Prometheus rules, rendered from settings into rules/lookout.yml: recording rules for what
 * dashboards and alerts reuse, and the alert rules with their severities and annotations.
 * Metric names are the ones agreed in docs/metrics.md; recording rule names follow Prometheus'
 * `level:metric:operation` convention and are listed in docs/metrics.md too.
 */
import { newErrorPatternRule } from '../logs/analysis/new-error-pattern-rule';
import type { Settings } from '../settings/schema';
import type { Severity } from './settings-schema';

/** Every alert rule Lookout ships, in the order they are rendered. */
export const ALERT_NAMES = [
  'ServiceDown',
  'HighErrorRate',
  'HighLatency',
  'HighIPCLatency',
  'IPCErrors',
  'HostHighCPU',
  'HostMemoryPressure',
  'HostGPUSaturated',
  'DiskAlmostFull',
  'TargetScrapeGaps',
  'PrometheusRuleFailures',
  'AlertmanagerNotificationsFailing',
  'NewErrorPattern',
  'Watchdog',
] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

/** Alerts that describe one job's requests: a ServiceDown of that job inhibits them (see routing.ts). */
export const JOB_SYMPTOM_ALERTS: AlertName[] = ['HighErrorRate', 'HighLatency', 'HighIPCLatency', 'IPCErrors', 'TargetScrapeGaps'];

/** Labels that tell two alerts of the same name apart (what "the same alert" means for inhibition). */
export const SUBJECT_LABELS = ['job', 'instance', 'peer', 'target', 'transport', 'mountpoint', 'gpu', 'integration', 'rule_group', 'service'];

/**
 * One group for recording and alert rules: a group evaluates its rules in order, so every alert sees
 * the recording rules of the same evaluation, never ones an interval old (two groups run independently).
 */
export const RULE_GROUP = 'lookout';

export interface RecordingRule {
  record: string;
  expr: string;
}

export interface AlertRule {
  alert: AlertName;
  expr: string;
  for?: string;
  labels: { severity: Severity } & Record<string, string>;
  annotations: { summary: string; description: string; runbook: string };
}

const FS_IGNORED = 'tmpfs|ramfs|devtmpfs|overlay|squashfs|nsfs|autofs|devfs|fuse.*';

/** Recording rules, in evaluation order (a rule may use those above it: a group evaluates in order). */
export const RECORDING_RULES: RecordingRule[] = [
  { record: 'job:http_requests:rate1m', expr: 'sum by (job) (rate(http_requests_total[1m]))' },
  { record: 'job:http_requests_errors:rate1m', expr: 'sum by (job) (rate(http_requests_total{status=~"5.."}[1m]))' },
  // 0 rather than absent when a job serves requests without errors, so dashboards show a flat line.
  { record: 'job:http_requests_errors:ratio_rate1m', expr: '(job:http_requests_errors:rate1m or job:http_requests:rate1m * 0) / job:http_requests:rate1m' },
  ...[0.5, 0.95, 0.99].map((q) => ({
    record: `job:http_request_duration_seconds:p${q * 100}`,
    expr: `histogram_quantile(${q}, sum by (job, le) (rate(http_request_duration_seconds_bucket[1m])))`,
  })),
  { record: 'job_peer:ipc_requests:rate1m', expr: 'sum by (job, peer) (rate(ipc_requests_total[1m]))' },
  {
    record: 'job_peer:ipc_requests_errors:ratio_rate1m',
    expr: '(sum by (job, peer) (rate(ipc_requests_total{status="error"}[1m])) or job_peer:ipc_requests:rate1m * 0) / job_peer:ipc_requests:rate1m',
  },
  ...[0.5, 0.95, 0.99].map((q) => ({
    record: `job_peer:ipc_request_duration_seconds:p${q * 100}`,
    expr: `histogram_quantile(${q}, sum by (job, peer, le) (rate(ipc_request_duration_seconds_bucket[1m])))`,
  })),
  {
    record: 'target:lookout_ipc_probe_duration_seconds:p95',
    expr: 'histogram_quantile(0.95, sum by (target, transport, le) (rate(lookout_ipc_probe_duration_seconds_bucket[1m])))',
  },
  // Lookout's own collectors first; node_exporter's figures when Lookout's are absent (a collector that cannot read is absent, never 0).
  {
    record: 'host:cpu_utilization:ratio',
    expr:
      '(1 - sum(rate(lookout_cpu_seconds_total{mode=~"idle|iowait"}[1m])) / sum(rate(lookout_cpu_seconds_total[1m])))' +
      ' or (1 - sum(rate(node_cpu_seconds_total{mode=~"idle|iowait"}[1m])) / sum(rate(node_cpu_seconds_total[1m])))',
  },
  {
    record: 'host:memory_utilization:ratio',
    expr:
      '(1 - sum(lookout_memory_available_bytes) / sum(lookout_memory_total_bytes))' +
      ' or (1 - sum(node_memory_MemAvailable_bytes) / sum(node_memory_MemTotal_bytes))',
  },
  { record: 'host:memory_pressure_stall:ratio', expr: 'max(lookout_memory_pressure_ratio)' },
  { record: 'gpu:gpu_utilization:max_ratio', expr: 'max by (gpu) (lookout_gpu_utilization_ratio)' },
  {
    record: 'mountpoint:filesystem_used:ratio',
    expr:
      'max by (mountpoint) (1 - lookout_filesystem_avail_bytes / lookout_filesystem_size_bytes)' +
      ` or max by (mountpoint) (1 - node_filesystem_avail_bytes{fstype!~"${FS_IGNORED}"} / node_filesystem_size_bytes{fstype!~"${FS_IGNORED}"})`,
  },
];

const pct = (r: number) => `${+(r * 100).toFixed(2)}%`;
const runbook = (name: AlertName, steps: string) => `docs/runbooks.md#${name.toLowerCase()} — ${steps}`;

type Rules = Settings['alerts']['rules'];

/** `(a) or (b)` of the terms that are present; null when none is. */
function anyOf(terms: Array<string | null>): string | null {
  const present = terms.filter((t): t is string => t !== null);
  if (!present.length) return null;
  return present.length === 1 ? present[0]! : present.map((t) => `(${t})`).join(' or ');
}

/** One alert per enabled level (warning, critical) over the same threshold expression. */
function leveled(
  name: AlertName,
  rule: { for: string; warning: number | null; critical: number | null },
  exprFor: (threshold: number, level: 'warning' | 'critical') => string | null,
  text: (threshold: number, level: 'warning' | 'critical') => Omit<AlertRule['annotations'], 'runbook'>,
  steps: string,
): AlertRule[] {
  const out: AlertRule[] = [];
  for (const level of ['warning', 'critical'] as const) {
    const threshold = rule[level];
    if (threshold === null) continue;
    const expr = exprFor(threshold, level);
    if (expr === null) continue;
    out.push({ alert: name, expr, for: rule.for, labels: { severity: level }, annotations: { ...text(threshold, level), runbook: runbook(name, steps) } });
  }
  return out;
}

/** HighLatency: one default threshold, plus per-job ones that replace it for those jobs. */
function latencyExpr(rules: Rules['HighLatency'], level: 'warning' | 'critical'): string | null {
  const metric = 'job:http_request_duration_seconds:p95';
  const jobs = Object.keys(rules.jobs);
  const others = jobs.length ? `${metric}{job!~"${jobs.map(escapeRegex).join('|')}"}` : metric;
  return anyOf([
    rules[level] === null ? null : `${others} > ${rules[level]}`,
    ...jobs.map((job) => {
      const t = rules.jobs[job]![level];
      return t === null ? null : `${metric}{job="${job}"} > ${t}`;
    }),
  ]);
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A target that does not answer, unless it is a stack component Lookout reports the user stopped (or not
 * installed): that is a state, not an alert (issue 15). Lookout's own scrape says so
 * (lookout_stack_component_state, whose `component` is the job's name); while Lookout itself is not
 * scraped the right-hand side is empty and every down target fires, as before.
 */
export const SERVICE_DOWN_EXPR =
  'up == 0 unless on(job) label_replace(lookout_stack_component_state{state=~"stopped|stopping|not-installed"} == 1, "job", "$1", "component", "(.+)")';

/** The alert rules in force for these settings (disabled rules and levels set to null are left out). */
export function alertRules(settings: Settings): AlertRule[] {
  const r = settings.alerts.rules;
  const on = (enabled: boolean, rules: AlertRule[]): AlertRule[] => (enabled ? rules : []);
  const mem = r.HostMemoryPressure;
  // One entry per alert name: a rule missing here (or an entry for no name) fails to compile.
  const byName: Record<AlertName, AlertRule[]> = {
    ServiceDown: on(r.ServiceDown.enabled, [
      {
        alert: 'ServiceDown',
        expr: SERVICE_DOWN_EXPR,
        for: r.ServiceDown.for,
        labels: { severity: 'critical' },
        annotations: {
          summary: '{{ $labels.job }} is down',
          description: `Prometheus has not been able to scrape {{ $labels.instance }} (job {{ $labels.job }}) for ${r.ServiceDown.for}: the process is gone, hung, or no longer listening there.`,
          runbook: runbook('ServiceDown', 'check that the process runs and listens on the address in settings; read its log; restart it.'),
        },
      },
    ]),
    HighErrorRate: on(
      r.HighErrorRate.enabled,
      leveled(
        'HighErrorRate',
        r.HighErrorRate,
        (t) => `job:http_requests_errors:ratio_rate1m > ${t}`,
        (t) => ({
          summary: '{{ $labels.job }}: {{ $value | humanizePercentage }} of requests fail',
          description: `More than ${pct(t)} of {{ $labels.job }}'s HTTP requests answered 5xx over the last minute, for ${r.HighErrorRate.for}.`,
        }),
        "open the job's error log and the failing routes in Grafana; a dependency that is down shows up here first.",
      ),
    ),
    HighLatency: on(
      r.HighLatency.enabled,
      leveled(
        'HighLatency',
        { for: r.HighLatency.for, warning: 0, critical: 0 },
        (_t, level) => latencyExpr(r.HighLatency, level),
        () => ({
          summary: '{{ $labels.job }}: p95 latency {{ $value | humanizeDuration }}',
          description: `The 95th percentile of {{ $labels.job }}'s request duration stayed above its threshold (settings alerts.rules.HighLatency) for ${r.HighLatency.for}.`,
        }),
        'look for slow routes and saturation (CPU, memory, GPU) in Grafana; compare with the traces of slow requests.',
      ),
    ),
    HighIPCLatency: on(
      r.HighIPCLatency.enabled,
      leveled(
        'HighIPCLatency',
        r.HighIPCLatency,
        (t) => `job_peer:ipc_request_duration_seconds:p95 > ${t} or target:lookout_ipc_probe_duration_seconds:p95 > ${t}`,
        (t) => ({
          summary: 'IPC to {{ with $labels.peer }}{{ . }}{{ else }}{{ $labels.target }}{{ end }} is slow: p95 {{ $value | humanizeDuration }}',
          description: `The 95th percentile of IPC round trips ({{ with $labels.job }}job {{ . }} to peer {{ $labels.peer }}{{ else }}Lookout's probe of {{ $labels.target }} over {{ $labels.transport }}{{ end }}) stayed above ${t} s for ${r.HighIPCLatency.for}.`,
        }),
        'check whether the peer is busy or swapping; a socket queue that grows points at a stuck reader.',
      ),
    ),
    IPCErrors: on(
      r.IPCErrors.enabled,
      leveled(
        'IPCErrors',
        r.IPCErrors,
        (t, level) => {
          const ratio = `job_peer:ipc_requests_errors:ratio_rate1m > ${t}`;
          // A probe that cannot connect at all is an error at warning level whatever the threshold.
          return level === 'warning' ? `${ratio} or lookout_ipc_probe_success == 0` : ratio;
        },
        (t) => ({
          summary: 'IPC errors {{ with $labels.peer }}to {{ . }}{{ else }}probing {{ $labels.target }}{{ end }}',
          description: `More than ${pct(t)} of IPC calls failed over the last minute (or Lookout's probe of the endpoint failed), for ${r.IPCErrors.for}.`,
        }),
        'check that the peer process runs and its socket or port exists; read both sides\' logs.',
      ),
    ),
    HostHighCPU: on(
      r.HostHighCPU.enabled,
      leveled(
        'HostHighCPU',
        r.HostHighCPU,
        (t) => `host:cpu_utilization:ratio > ${t}`,
        (t) => ({
          summary: 'CPU busy: {{ $value | humanizePercentage }}',
          description: `The machine's CPUs were more than ${pct(t)} busy for ${r.HostHighCPU.for}.`,
        }),
        'find the busiest processes (Activity Monitor, top); a runaway build or model load is the usual cause.',
      ),
    ),
    HostMemoryPressure: on(
      mem.enabled,
      leveled(
        'HostMemoryPressure',
        mem,
        (t, level) =>
          anyOf([
            level === 'warning' && mem.utilization !== null ? `host:memory_utilization:ratio > ${mem.utilization}` : null,
            `host:memory_pressure_stall:ratio > ${t}`,
            // macOS reports the kernel's own pressure level: 2 is warning, 4 is critical.
            `max(lookout_memory_pressure_level) >= ${level === 'warning' ? 2 : 4}`,
          ]),
        (t, level) => ({
          summary: 'Memory pressure on this machine',
          description:
            level === 'warning' && mem.utilization !== null
              ? `Memory ran short for ${mem.for}: RAM more than ${pct(mem.utilization)} used, tasks stalled on memory more than ${pct(t)} of the time, or macOS reported pressure.`
              : `Memory ran short for ${mem.for}: tasks stalled on memory more than ${pct(t)} of the time, or macOS reported critical pressure.`,
        }),
        'close what you do not need or give the model server a smaller context; swapping slows every service.',
      ),
    ),
    HostGPUSaturated: on(
      r.HostGPUSaturated.enabled,
      leveled(
        'HostGPUSaturated',
        r.HostGPUSaturated,
        (t) => `gpu:gpu_utilization:max_ratio > ${t}`,
        (t) => ({
          summary: 'GPU {{ $labels.gpu }} saturated: {{ $value | humanizePercentage }}',
          description: `GPU {{ $labels.gpu }} was more than ${pct(t)} busy for ${r.HostGPUSaturated.for}; requests that need it queue up.`,
        }),
        'check which process holds the GPU; batch or queue inference requests.',
      ),
    ),
    DiskAlmostFull: on(
      r.DiskAlmostFull.enabled,
      leveled(
        'DiskAlmostFull',
        r.DiskAlmostFull,
        (t) => `mountpoint:filesystem_used:ratio > ${t}`,
        (t) => ({
          summary: '{{ $labels.mountpoint }} is {{ $value | humanizePercentage }} full',
          description: `The filesystem at {{ $labels.mountpoint }} has been more than ${pct(t)} full for ${r.DiskAlmostFull.for}.`,
        }),
        "free space (caches, old model files, Docker images); Prometheus' own data is capped by stack.retention.size.",
      ),
    ),
    TargetScrapeGaps: on(r.TargetScrapeGaps.enabled, [
      {
        alert: 'TargetScrapeGaps',
        expr: `changes(up[10m]) >= ${r.TargetScrapeGaps.changes}`,
        for: r.TargetScrapeGaps.for,
        labels: { severity: 'info' },
        annotations: {
          summary: '{{ $labels.job }} has gaps in its metrics',
          description: `Scrapes of {{ $labels.instance }} (job {{ $labels.job }}) failed on and off: up changed {{ $value }} times in 10 minutes.`,
          runbook: runbook('TargetScrapeGaps', 'the target restarts or answers slowly at times; look at its restarts and its /metrics response time.'),
        },
      },
    ]),
    PrometheusRuleFailures: on(r.PrometheusRuleFailures.enabled, [
      {
        alert: 'PrometheusRuleFailures',
        expr: 'sum by (rule_group) (increase(prometheus_rule_evaluation_failures_total[5m])) > 0',
        for: r.PrometheusRuleFailures.for,
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Prometheus rules fail to evaluate',
          description: 'Rule group {{ $labels.rule_group }} failed {{ $value | humanize }} times in 5 minutes; alerts in it may never fire.',
          runbook: runbook('PrometheusRuleFailures', 'read the Prometheus log (logs/prometheus.log) for the failing expression; fix your rule file in stack.ruleFiles.'),
        },
      },
    ]),
    AlertmanagerNotificationsFailing: on(r.AlertmanagerNotificationsFailing.enabled, [
      {
        alert: 'AlertmanagerNotificationsFailing',
        expr: 'sum by (integration) (increase(alertmanager_notifications_failed_total[5m])) > 0',
        for: r.AlertmanagerNotificationsFailing.for,
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Alertmanager cannot deliver to {{ $labels.integration }}',
          description: 'Alertmanager failed {{ $value | humanize }} times in 5 minutes to send notifications through {{ $labels.integration }}.',
          runbook: runbook('AlertmanagerNotificationsFailing', 'read logs/alertmanager.log; check the receiver settings and its secret (Slack URL, SMTP password, webhook token).'),
        },
      },
    ]),
    // Built beside the log analysis that exports its counter (logs/analysis/new-error-pattern-rule.ts).
    NewErrorPattern: on(r.NewErrorPattern.enabled, [newErrorPatternRule(r.NewErrorPattern.window)]),
    Watchdog: on(r.Watchdog.enabled, [
      {
        alert: 'Watchdog',
        expr: 'vector(1)',
        labels: { severity: 'info' },
        annotations: {
          summary: 'The alerting pipeline works',
          description: 'Always firing. Lookout expects it every few minutes; when it stops arriving, Prometheus, Alertmanager or the path between them is broken.',
          runbook: runbook('Watchdog', 'nothing to do while it fires; Lookout raises LookoutWatchdogMissing when it stops.'),
        },
      },
    ]),
  };
  return ALERT_NAMES.flatMap((name) => byName[name]);
}

/** The rule file's document: one group, recording rules first, at the alerts evaluation interval. */
export function lookoutRuleGroups(settings: Settings): { groups: Array<{ name: string; interval: string; rules: Array<RecordingRule | AlertRule> }> } {
  return { groups: [{ name: RULE_GROUP, interval: settings.alerts.evaluationInterval, rules: [...RECORDING_RULES, ...alertRules(settings)] }] };
}
