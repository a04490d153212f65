/**
 * The install and runtime vocabulary the UI sees (onboarding, progress bars, the doctor's advice).
 * Types only: common/ imports nothing. Producers live in main/core/install and main/core/runtime.
 */

/** Everything Lookout can install. Jaeger is here before it is a supervised ComponentId. */
export type InstallComponentId = 'prometheus' | 'alertmanager' | 'node_exporter' | 'grafana' | 'jaeger';
export const INSTALL_COMPONENT_IDS = ['prometheus', 'alertmanager', 'node_exporter', 'grafana', 'jaeger'] as const satisfies readonly InstallComponentId[];

/** Where a component comes from: an official release archive, or a Homebrew formula. */
export type InstallSource = 'release' | 'brew';

/** How a component runs: a process on this machine (found, or installed by release/brew), or a container. */
export type RuntimeKind = 'native' | 'docker';

/**
 * Steps of one install, in order. Homebrew reports `resolving` (metadata), `downloading` (bottles),
 * `unpacking` (pouring); a release download goes through all of them. `done` and `failed` are final.
 */
export type InstallPhase = 'resolving' | 'downloading' | 'verifying' | 'unpacking' | 'done' | 'failed';

/** One progress event for a component's progress bar. */
export interface InstallProgress {
  component: InstallComponentId;
  /** `docker`: pulling the component's image for the Docker runtime. */
  source: InstallSource | 'docker';
  phase: InstallPhase;
  /** Bytes received so far; absent when the tool does not say (Homebrew without a terminal). */
  bytesDone?: number;
  /** Size of the download; absent when unknown (no Content-Length, or Homebrew). */
  bytesTotal?: number;
  /** 0..100 when the tool reports a percentage but no byte counts. */
  percent?: number;
  /** One line for the UI: "Downloading prometheus-3.14.0.darwin-arm64.tar.gz", brew's own heading, … */
  message: string;
  /** Set on `failed`. */
  failure?: InstallFailure;
}

/**
 * Why an install failed, as a category the UI can pick an icon and a button for:
 * - `offline`, `dns`, `refused`, `timeout`, `network`: the download could not be made or was cut;
 * - `not-published`: HTTP 404, no such version for this platform; `http`: another HTTP error;
 * - `checksum`: the archive does not match the published SHA-256 (corrupted or tampered with);
 * - `bad-archive`: the archive is unsafe or not in the expected layout (nothing was installed);
 * - `broken-binary`: the unpacked binary does not run here (`--version` failed);
 * - `disk-full`, `permission`: the file system refused;
 * - `no-brew`, `unknown-formula`, `no-formula`, `brew-failed`: Homebrew's own failures;
 * - `unsupported-platform`: no official build for this OS/architecture;
 * - `cancelled`: the user cancelled; nothing half-installed is left behind;
 * - `busy`: an install of the same component is already running;
 * - `unexpected`: anything else (the message keeps the system's own words).
 */
export type InstallFailureKind =
  | 'offline'
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'network'
  | 'not-published'
  | 'http'
  | 'checksum'
  | 'bad-archive'
  | 'broken-binary'
  | 'disk-full'
  | 'permission'
  | 'no-brew'
  | 'unknown-formula'
  | 'no-formula'
  | 'brew-failed'
  | 'unsupported-platform'
  | 'cancelled'
  | 'busy'
  | 'unexpected';

/** A failure in words a user can act on: what happened, and what to do about it. */
export interface InstallFailure {
  kind: InstallFailureKind;
  /** What happened, naming the file, URL or formula. */
  message: string;
  /** What to do about it. */
  fix: string;
}

/** A finished install: where its binaries are. */
export interface InstalledComponent {
  component: InstallComponentId;
  source: InstallSource;
  /** The version the binary reports (or the release version when it does not say). */
  version: string;
  /** Absolute paths by binary name, e.g. { prometheus: "…/prometheus", promtool: "…/promtool" }. */
  binaries: Record<string, string>;
  /** Directory holding the binaries (release: `<home>/runtimes/<id>/<version>`; brew: the prefix's bin/). */
  dir: string;
}

/** Whether an installer or runtime can be used on this machine, and if not, why and how to fix it. */
export interface Availability {
  ok: boolean;
  /** Why not (absent when ok). */
  reason?: string;
  /** How to make it available (absent when ok). */
  fix?: string;
  /** What was found, e.g. "Homebrew 4.6.3" or "Docker Desktop (context desktop-linux), Compose 2.39.1". */
  detail?: string;
}

/** A newer version is (or is not) available for an installed component. */
export interface UpgradeInfo {
  component: InstallComponentId;
  source: InstallSource;
  /** Installed version, null when not installed by this source. */
  installed: string | null;
  /** The newest version this source knows (release: Lookout's pinned version; brew: the formula's stable). */
  available: string;
  /** True when `available` is newer than `installed`. */
  newer: boolean;
}

/** One container of the compose project, as `docker compose ps` reports it. */
export interface ContainerStatus {
  /** Compose service name: the component id, except `node-exporter` for node_exporter (a hostname cannot have "_"). */
  service: string;
  /** created, running, restarting, exited, paused, dead, removing. */
  state: string;
  /** healthy, unhealthy, starting; null when the container has no health check. */
  health: string | null;
  exitCode: number | null;
  /** Published ports as "127.0.0.1:9090->9090/tcp". */
  ports: string[];
}

/** One component as the onboarding view shows it. */
export interface InstallComponentStatus {
  component: InstallComponentId;
  /** Enabled in settings (what "Install and start" covers). */
  enabled: boolean;
  /** A usable binary is there (found as the stack finds it, or installed by Lookout). */
  installed: boolean;
  version: string | null;
  /**
   * Where the binary in use came from: Lookout's release install, Homebrew, or found elsewhere (PATH, a
   * setting); `docker`: it runs as a container (runtime "docker"), installed once the engine answers.
   */
  origin: 'release' | 'brew' | 'found' | 'docker' | null;
  /** The binary in use; for a container, its image. */
  binary: string | null;
  /** A newer version the release download knows, or null. */
  upgrade: UpgradeInfo | null;
  /** An install of it is under way. */
  installing: boolean;
  /** Why the last install failed, with the fix; null when it did not. */
  lastFailure: InstallFailure | null;
}

export interface InstallStatus {
  components: InstallComponentStatus[];
  /** Whether each way of installing or running works on this machine, and why not. */
  installers: { release: Availability; brew: Availability; docker: Availability };
}

export interface InstallStartResult {
  /** Components whose install started now. */
  started: InstallComponentId[];
  /** Components left out, and why (already installed, disabled, an install under way). */
  skipped: Array<{ component: InstallComponentId; reason: string }>;
}
