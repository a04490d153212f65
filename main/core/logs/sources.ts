import path from 'node:path';
import type { ComponentId } from '../../../common/model';
import type { Paths } from '../paths';
import type { DemoFile } from '../settings/demo-targets';
import type { FollowSpec } from './follow/follower';

/** What of a service the log sources need: its name and its declared log files (`services[].logs`). */
export interface ServiceLogs {
  name: string;
  logs?: readonly string[];
}

/** Each service's declared files (paths or globs), as source `file`. */
export function serviceFileSpecs(services: readonly ServiceLogs[]): FollowSpec[] {
  return services.flatMap((s) => (s.logs ?? []).map((p) => ({ path: p, service: s.name, source: 'file' as const })));
}

/** The log files `lookout demo` publishes in demo.json (one per reference service), as source `file`. */
export function demoFileSpecs(demo: DemoFile | null): FollowSpec[] {
  return (demo?.services ?? []).flatMap((s) => (s.logFile && path.isAbsolute(s.logFile) ? [{ path: s.logFile, service: s.name, source: 'file' as const }] : []));
}

/** The stack components' own logs (logs/<id>.log, written by the processes themselves), as source `stack`. */
export function stackSpecs(paths: Paths, components: readonly ComponentId[]): FollowSpec[] {
  return components.map((id) => ({ path: paths.logFile(id), service: id, source: 'stack' as const }));
}

/** Lookout's own log (logs/lookout.log), as source `lookout`. */
export function lookoutSpec(paths: Paths): FollowSpec {
  return { path: lookoutLogFile(paths), service: 'lookout', source: 'lookout' };
}

export const lookoutLogFile = (paths: Paths) => path.join(paths.logsDir, 'lookout.log');

/**
 * Everything to follow. A path named twice is followed once, for the first that names it: Lookout's
 * own log, then the stack's, then the services' declared files, then the demo's (so a user who
 * declares a demo log under another service name wins).
 */
export function followSpecs(input: { paths: Paths; components: readonly ComponentId[]; services: readonly ServiceLogs[]; demo: DemoFile | null }): FollowSpec[] {
  const all = [lookoutSpec(input.paths), ...stackSpecs(input.paths, input.components), ...serviceFileSpecs(input.services), ...demoFileSpecs(input.demo)];
  const seen = new Set<string>();
  return all.filter((s) => {
    const key = path.normalize(s.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
