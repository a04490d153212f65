import { createHash } from 'node:crypto';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ComponentId } from '../../../common/model';
import type { Paths } from '../paths';
import type { Settings } from '../settings/schema';
import { alertmanagerDocument } from '../alerts/routing';
import { lookoutRuleGroups } from '../alerts/rules';
import { renderGrafana } from '../grafana/render';
import { CATALOG } from './catalog';

/** One rendered config file. */
export interface RenderedFile {
  /** Relative to paths.stackDir, with forward slashes (e.g. "rules/lookout.yml"). */
  path: string;
  content: string;
}

/** Path of the Alertmanager → Lookout webhook on Lookout's own listener. */
export const WEBHOOK_PATH = '/api/v1/alertmanager/webhook';
/** File (in paths.secretsDir) holding the bearer token Alertmanager sends to the webhook. */
export const WEBHOOK_TOKEN_FILE = 'webhook-token';

const loopback = (port: number) => `127.0.0.1:${port}`;

const yaml = (doc: unknown) => `# Rendered by Lookout from settings.json; edits here are overwritten.\n${stringify(doc, { lineWidth: 0 })}`;

interface ScrapeConfig {
  job_name: string;
  scheme?: string;
  metrics_path?: string;
  static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>;
}

function serviceJob(service: Settings['services'][number]): ScrapeConfig {
  const url = new URL(service.url);
  const labels = Object.keys(service.labels).length ? { labels: { ...service.labels } } : {};
  return {
    job_name: service.name,
    scheme: url.protocol.replace(/:$/, ''),
    metrics_path: service.metricsPath,
    // url.host keeps an explicit port and IPv6 brackets; without a port Prometheus uses the scheme's default.
    static_configs: [{ targets: [url.host], ...labels }],
  };
}

/** prometheus.yml as a plain object. */
export function prometheusConfig(settings: Settings): Record<string, unknown> {
  const c = settings.stack.components;
  const ownJob = (name: string, port: number): ScrapeConfig => ({ job_name: name, static_configs: [{ targets: [loopback(port)] }] });
  const jobs: ScrapeConfig[] = [];
  if (c.prometheus.enabled) jobs.push(ownJob('prometheus', c.prometheus.port));
  if (c.alertmanager.enabled) jobs.push(ownJob('alertmanager', c.alertmanager.port));
  if (c.node_exporter.enabled) jobs.push(ownJob('node_exporter', c.node_exporter.port));
  jobs.push({ job_name: 'lookout', metrics_path: '/metrics', static_configs: [{ targets: [loopback(settings.lookout.port)] }] });
  jobs.push(...settings.services.map(serviceJob));
  return {
    global: { scrape_interval: settings.stack.scrapeInterval, evaluation_interval: settings.stack.evaluationInterval },
    // Relative on purpose: Prometheus resolves rule_files against the config file's directory, so the same
    // text validates in a staging directory and runs from the live one.
    rule_files: ['rules/*.yml'],
    ...(c.alertmanager.enabled ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [loopback(c.alertmanager.port)] }] }] } } : {}),
    scrape_configs: jobs,
  };
}

/**
 * alertmanager.yml as a plain object: routing, inhibition and receivers come from the alerts settings
 * (main/core/alerts/routing.ts). Every token and password is referenced by file, never inlined.
 */
export function alertmanagerConfig(settings: Settings, paths: Paths): Record<string, unknown> {
  return alertmanagerDocument(settings, {
    url: `http://${loopback(settings.lookout.port)}${WEBHOOK_PATH}`,
    credentialsFile: path.join(paths.secretsDir, WEBHOOK_TOKEN_FILE),
    secretsDir: paths.secretsDir,
  });
}

/** Lookout's recording and alert rules, rendered from the alerts settings (main/core/alerts/rules.ts). */
export function lookoutRules(settings: Settings): Record<string, unknown> {
  return lookoutRuleGroups(settings);
}

/**
 * Render every config file of the stack from settings. Pure: same input, same output, no I/O.
 * Files are rendered whether or not their component is enabled, so enabling one needs no re-render.
 */
export function renderStack(settings: Settings, paths: Paths): RenderedFile[] {
  return [
    { path: 'prometheus.yml', content: yaml(prometheusConfig(settings)) },
    { path: 'rules/lookout.yml', content: yaml(lookoutRules(settings)) },
    { path: 'alertmanager.yml', content: yaml(alertmanagerConfig(settings, paths)) },
    ...renderGrafana(settings, paths),
  ];
}

/** Which component reads a rendered file (from the catalog's configFiles; "rules" covers rules/*). */
export function componentOf(file: string): ComponentId | null {
  const top = file.split('/')[0];
  for (const spec of Object.values(CATALOG)) if (spec.configFiles.some((f) => f === file || f === top)) return spec.id;
  return null;
}

/** A stable digest of a set of rendered files, independent of their order. */
export function renderedHash(files: RenderedFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) h.update(`${f.path}\0${f.content}\0`);
  return h.digest('hex');
}
