import type { ComponentId } from '../../../common/model';
import type { Paths } from '../paths';
import type { CommandRunner } from '../ports';
import type { Settings } from '../settings/schema';
import { attachBase, attachOf } from '../lockdown/attach';
import { installAdvice } from '../missing-tool';

/** One rendered config file. */
export interface RenderedFile {
  /** Relative to paths.stackDir, with forward slashes (e.g. "rules/lookout.yml"). */
  path: string;
  content: string;
}

/**
 * What Lookout knows about one component: where to find it, how to run it, how to tell it is ready,
 * and which config files it needs. Each component has a module of its own that exports its spec
 * (main/core/<component>/component.ts); the catalog lists them and nothing else branches on ids.
 */
export interface ComponentSpec {
  id: ComponentId;
  name: string;
  /** Binary names in preference order: Homebrew's name first, then Debian's. */
  binaries: string[];
  /** How to install it, shown when the binary is missing. */
  install: { brew: string; apt: string };
  /** Components that must be ready before this one starts (and that it outlives on stop). */
  dependsOn: ComponentId[];
  /** Path answering 2xx when the component is ready to serve (polled while starting). */
  readinessPath: string;
  /**
   * Where readiness and liveness are asked, when not on the component's own port (Jaeger answers them
   * on its health-check extension's port); default: http://127.0.0.1:<port>.
   */
  healthBaseUrl?(settings: Settings): string;
  /**
   * Path polled every few seconds once running, to catch a hung process. Defaults to readinessPath;
   * an exporter's /metrics makes it collect everything, so exporters name a cheap page instead.
   */
  livenessPath?: string;
  /** POST here to reload the config without a restart; null when only a restart applies changes. */
  reloadPath: string | null;
  /** Time between SIGTERM and SIGKILL. Prometheus needs time to close its TSDB cleanly. */
  stopGraceMs: number;
  /** Rendered files (relative to the stack dir) whose content change needs a reload; a directory name covers its files. */
  configFiles: string[];
  /**
   * Its config files, rendered from settings. Pure: same input, same output, no I/O. Rendered whether
   * or not the component is enabled, so enabling one needs no re-render.
   */
  render(settings: Settings, paths: Paths): RenderedFile[];
  /**
   * Command-line flags; a change in these needs a restart. Everything listens on 127.0.0.1 only.
   * `binary` is the one found: Grafana's flags depend on which of its binaries it is.
   */
  args(settings: Settings, paths: Paths, binary: string): string[];
  /**
   * A binary alone may not be a usable install (Grafana also needs its homepath): the problem and its fix,
   * shown as not-installed, or null when the install is complete.
   */
  checkInstall?(settings: Settings, binary: string): Promise<{ problem: string; fix: string } | null>;
  /**
   * Let the binary parse new flags without starting it (main/core/stack/flag-check.ts), so a flag it
   * refuses never replaces a running process: the refusal in its own words, or null when accepted.
   */
  checkFlags?(binary: string, args: string[], deps: { runner: CommandRunner }): Promise<string | null>;
  /** The settings field behind a flag (`--storage.tsdb.retention.time` → `stack.retention.time`), to name it in errors. */
  flagFields?: Record<string, string>;
}

/** `--web.listen-address` on loopback, the flag the Prometheus family shares. */
export const listenFlag = (port: number): string => `--web.listen-address=127.0.0.1:${port}`;

/** Install advice for a missing component, for the running platform (main/core/missing-tool.ts). */
export const installHint = (s: ComponentSpec, platform: NodeJS.Platform = process.platform): string => installAdvice(s.install, platform);

/** Base URL of a component: on loopback at its port, or the server it is attached to (no trailing slash). */
export const componentUrl = (settings: Settings, id: ComponentId): string => {
  const attach = attachOf(settings, id);
  return attach ? attachBase(attach) : `http://127.0.0.1:${settings.stack.components[id].port}`;
};
