import type { ContainerStatus } from '../../../common/install';

/*
 * Docker Compose's machine-readable outputs, as its source defines them (github.com/docker/compose):
 * - `ps --format json`: ContainerSummary fields (pkg/api/api.go; cmd/formatter/container.go). Since
 *   v2.21.0 one JSON object per line ("aligned with docker ps --format json"); before, one JSON array
 *   (docs/reference/compose_ps.md, commit 3d0dd57 which documents the change).
 * - `events --json`: one object per line, {time, type: "container", service, id, action, attributes}
 *   (cmd/compose/events.go), actions being the engine's (start, die, health_status: healthy, …).
 * - `--progress json` (since v2.29.0, cmd/display/json.go): one object per line on stderr,
 *   {id, parent_id?, status: Working|Done|Warning|Error, text, details?, current?, total?, percent?};
 *   image pulls are `id: "Image <ref>"` with layer events under it (pkg/compose/pull.go).
 */

interface RawPublisher {
  URL?: string;
  TargetPort?: number;
  PublishedPort?: number;
  Protocol?: string;
}
interface RawContainer {
  Service?: string;
  State?: string;
  Health?: string;
  ExitCode?: number;
  Publishers?: RawPublisher[] | null;
}

/** Parse `docker compose ps --format json` in either shape; a line that is not JSON is an error naming it. */
export function parseComposePs(stdout: string): ContainerStatus[] {
  const text = stdout.trim();
  if (!text) return [];
  let rows: RawContainer[];
  if (text.startsWith('[')) {
    rows = JSON.parse(text) as RawContainer[];
  } else {
    rows = text.split('\n').filter((l) => l.trim()).map((l, i) => {
      try {
        return JSON.parse(l) as RawContainer;
      } catch {
        throw new Error(`docker compose ps: line ${i + 1} is not JSON: ${l.slice(0, 120)}`);
      }
    });
  }
  return rows.map((r) => ({
    service: r.Service ?? '',
    state: r.State ?? 'unknown',
    health: r.Health ? r.Health : null,
    exitCode: typeof r.ExitCode === 'number' ? r.ExitCode : null,
    ports: (r.Publishers ?? []).filter((p) => p.PublishedPort).map((p) => `${p.URL ?? ''}:${p.PublishedPort}->${p.TargetPort}/${p.Protocol ?? 'tcp'}`),
  }));
}

/** One container state change from `docker compose events --json`. */
export interface ComposeEvent {
  time: string;
  service: string;
  /** The engine's action: create, start, die, kill, stop, destroy, health_status, … */
  action: string;
  /** For health_status events. */
  health?: 'healthy' | 'unhealthy' | 'starting';
  /** For die events. */
  exitCode?: number;
}

/** Parse one line of `docker compose events --json`; null for anything that is not a container event. */
export function parseComposeEvent(line: string): ComposeEvent | null {
  let e: { time?: string; type?: string; service?: string; action?: string; attributes?: Record<string, string> };
  try {
    e = JSON.parse(line);
  } catch {
    return null;
  }
  if (!e || e.type !== 'container' || typeof e.action !== 'string' || typeof e.service !== 'string') return null;
  const [action, detail] = e.action.split(/:\s*/, 2) as [string, string | undefined];
  const out: ComposeEvent = { time: e.time ?? '', service: e.service, action };
  if (action === 'health_status' && (detail === 'healthy' || detail === 'unhealthy' || detail === 'starting')) out.health = detail;
  const code = e.attributes?.exitCode;
  if (action === 'die' && code !== undefined && /^\d+$/.test(code)) out.exitCode = Number(code);
  return out;
}

/** One `--progress json` line. */
export interface ProgressLine {
  id: string;
  parentId?: string;
  status: string;
  text: string;
  details?: string;
  current?: number;
  total?: number;
}

/** Parse one `--progress json` line; null when it is not one (older Compose prints plain text). */
export function parseProgressLine(line: string): ProgressLine | null {
  let m: { id?: unknown; parent_id?: unknown; status?: unknown; text?: unknown; details?: unknown; current?: unknown; total?: unknown };
  try {
    m = JSON.parse(line);
  } catch {
    return null;
  }
  if (!m || typeof m.id !== 'string') return null;
  return {
    id: m.id,
    parentId: typeof m.parent_id === 'string' ? m.parent_id : undefined,
    status: typeof m.status === 'string' ? m.status : '',
    text: typeof m.text === 'string' ? m.text : '',
    details: typeof m.details === 'string' ? m.details : undefined,
    current: typeof m.current === 'number' ? m.current : undefined,
    total: typeof m.total === 'number' ? m.total : undefined,
  };
}

/**
 * Adds up layer progress per image: `docker compose pull` reports each layer's bytes under its image,
 * and a progress bar wants one figure per image. Layers without a size yet do not count toward the total.
 */
export function pullTracker() {
  const layers = new Map<string, Map<string, { current: number; total: number }>>();
  return {
    /** Feed a line; returns the image it concerns with its summed bytes, or null. */
    add(p: ProgressLine): { image: string; bytesDone: number; bytesTotal: number } | null {
      const image = p.parentId?.startsWith('Image ') ? p.parentId.slice(6) : null;
      if (!image) return null;
      const mine = layers.get(image) ?? new Map();
      layers.set(image, mine);
      const prev = mine.get(p.id) ?? { current: 0, total: 0 };
      const done = p.status === 'Done' || /complete|Already exists/i.test(p.text);
      const total = p.total ?? prev.total;
      mine.set(p.id, { total, current: done ? total : (p.current ?? prev.current) });
      let bytesDone = 0;
      let bytesTotal = 0;
      for (const l of mine.values()) {
        bytesDone += l.current;
        bytesTotal += l.total;
      }
      return { image, bytesDone, bytesTotal };
    },
  };
}

/** Compose's way of saying the engine is not there (docker/cli's client errors: "Cannot connect to the Docker daemon at …"). */
export const DAEMON_DOWN = /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect/i;

/** logrus JSON lines (`{"level":"fatal","msg":"…"}`), which Compose prints in json progress mode: the message, else null. */
export function jsonMsg(line: string): string | null {
  if (!line.startsWith('{')) return null;
  try {
    const m = JSON.parse(line) as { msg?: unknown };
    return typeof m.msg === 'string' ? m.msg : null;
  } catch {
    return null;
  }
}
