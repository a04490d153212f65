/**
 * Ports: the only ways core touches time, processes and the network. Real adapters live in
 * main/core/adapters (plain Node) and at the shells; tests pass small fakes (test/fakes).
 */

/** Time, so the supervisor's backoff and health timing can be tested with a fake clock. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): Timer;
  clearTimeout(timer: Timer): void;
}
/** Opaque handle returned by setTimeout. */
export type Timer = unknown;

/** How a process ended. */
export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** Set when the process could not be started at all (ENOENT, EACCES, ...). */
  error?: string;
}

/** A running process, spawned by us or adopted from an earlier run. */
export interface ProcessHandle {
  /** The host pid; 0 for a container (its pid lives inside the engine). */
  readonly pid: number;
  /** Set when the "process" is a container of Lookout's compose project (main/core/runtime/container-spawner.ts). */
  readonly container?: string;
  /** Resolves once, when the process is gone. */
  readonly exited: Promise<ExitInfo>;
  /** Send a signal; false when the process no longer exists. */
  kill(signal: NodeJS.Signals): boolean;
}

export interface SpawnRequest {
  command: string;
  args: string[];
  /** Both stdout and stderr are appended to this file; the child writes to it directly so it survives our exit. */
  logFile: string;
  cwd?: string;
  env?: Record<string, string>;
}

/** Starting and finding processes. */
export interface Spawner {
  spawn(req: SpawnRequest): Promise<ProcessHandle>;
  /** Watch a process we did not spawn (adoption); null when it is not alive. */
  attach(pid: number): ProcessHandle | null;
  /** The command line of a live process, null when it is gone or unreadable. */
  commandLine(pid: number): Promise<string[] | null>;
}

/** Outcome of one bounded HTTP call. */
export interface ProbeResult {
  ok: boolean;
  status?: number;
  error?: string;
}

/** Extra request headers for one probe (the Authorization of a locked-down or attached component). */
export interface ProbeOptions {
  headers?: Record<string, string>;
}

/** HTTP calls to components: readiness (GET, 2xx within the timeout) and lifecycle reloads (POST). */
export interface HealthProbe {
  check(url: string, timeoutMs: number, opts?: ProbeOptions): Promise<ProbeResult>;
  post(url: string, timeoutMs: number, opts?: ProbeOptions): Promise<ProbeResult>;
}

/** Who holds a TCP port, as far as the OS tells. */
export interface PortHolder {
  pid: number | null;
  command: string | null;
}

/** Checks that a loopback port is free to bind. */
export interface PortProbe {
  /** null when free; otherwise who holds it (fields null when the OS does not tell). */
  holder(port: number): Promise<PortHolder | null>;
}

/** Runs a short-lived tool (promtool, amtool, --version) and returns its output. */
export interface CommandRunner {
  run(command: string, args: string[], opts?: { timeoutMs?: number; cwd?: string }): Promise<{ code: number | null; stdout: string; stderr: string }>;
}
