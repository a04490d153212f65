/**
 * The NewErrorPattern alert rule, as data in the shape of alerts/rules.ts' AlertRule; alerts/rules.ts
 * renders it into Lookout's rule group (rules/lookout.yml, settings alerts.rules.NewErrorPattern). It fires for a service as soon as Prometheus has seen its
 * `lookout_log_new_error_patterns_total` go up within the window, and resolves once the window holds
 * no increase. No `for:`: a new pattern is an event, and waiting would only delay it; the 10-minute
 * window is what keeps it firing long enough to be noticed and grouped by Alertmanager.
 * Unit-tested with the real promtool against the rendered rules: test/promtool/NewErrorPattern.test.yml.
 */
import { NEW_ERROR_PATTERNS_METRIC } from './new-error-patterns';

export interface NewErrorPatternRule {
  alert: 'NewErrorPattern';
  expr: string;
  for?: string;
  labels: { severity: 'warning' };
  annotations: { summary: string; description: string; runbook: string };
}

/** The rule; `window` is a Prometheus duration (default 10m). */
export function newErrorPatternRule(window = '10m'): NewErrorPatternRule {
  return {
    alert: 'NewErrorPattern',
    // sum by service: one alert per service, whichever Lookout instance (or restart) counted it.
    expr: `sum by (service) (increase(${NEW_ERROR_PATTERNS_METRIC.name}[${window}])) > 0`,
    labels: { severity: 'warning' },
    annotations: {
      summary: '{{ $labels.service }}: a new error pattern in its logs',
      // No {{ $value }}: increase() extrapolates, and "1.03 patterns" reads as nonsense.
      description: `{{ $labels.service }} logged an error pattern in the last ${window} that it had never logged before.`,
      runbook: 'docs/runbooks.md#newerrorpattern — open `lookout logs errors --service <service> --since 1h` (or the Logs view): the newest pattern, its example line and its trace show what started failing.',
    },
  };
}

/** A rule file holding only this rule, for `promtool test rules` and `promtool check rules`. */
export function newErrorPatternRuleFile(window = '10m'): { groups: Array<{ name: string; rules: NewErrorPatternRule[] }> } {
  return { groups: [{ name: 'lookout-logs', rules: [newErrorPatternRule(window)] }] };
}
