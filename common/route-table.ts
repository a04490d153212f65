/**
 * The one router of the project: Lookout's HTTP API (main/server) and every service built on the
 * instrumentation kit match paths with it, and the contract's HTTP_ROUTES use its `{param}` syntax.
 * Pure and dependency-free, so it lives with the contract.
 */

/** Route label of requests no route matched: one series for every unknown path, so scanners cannot blow up cardinality. */
export const UNMATCHED_ROUTE = 'unmatched';

/** One route: a method and a template such as `/items/{id}`. The template, never the raw path, becomes the `route` label. */
export interface RouteSpec<H> {
  method: string;
  template: string;
  handler: H;
}

/** What a request path matched. */
export type RouteMatch<H> =
  | { kind: 'found'; route: string; handler: H; params: Record<string, string> }
  /** The path exists with other methods: answer 405 with Allow, and label it with the template. */
  | { kind: 'method-not-allowed'; route: string; allow: string[] }
  | { kind: 'not-found'; route: typeof UNMATCHED_ROUTE }
  /** A parameter was not valid percent-encoding: answer 400. */
  | { kind: 'bad-path'; route: string; reason: string };

interface Compiled<H> {
  spec: RouteSpec<H>;
  method: string;
  segments: Array<{ param: string } | { literal: string }>;
  params: number;
}

const PARAM = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** Check a template and split it into segments; throws naming the template when it is malformed. */
function compile<H>(spec: RouteSpec<H>): Compiled<H> {
  const { template } = spec;
  if (!template.startsWith('/')) throw new Error(`route template must start with /: ${template}`);
  const parts = template === '/' ? [] : template.slice(1).split('/');
  const names = new Set<string>();
  const segments = parts.map((part) => {
    if (part === '') throw new Error(`route template has an empty segment: ${template}`);
    if (part.startsWith(':')) throw new Error(`route template uses the old :param syntax in "${part}" (write {name}): ${template}`);
    if (part.startsWith('{')) {
      const name = PARAM.exec(part)?.[1];
      if (!name) throw new Error(`route template has a bad parameter "${part}": ${template}`);
      if (names.has(name)) throw new Error(`route template repeats parameter "${name}": ${template}`);
      names.add(name);
      return { param: name };
    }
    return { literal: part };
  });
  return { spec, method: spec.method.toUpperCase(), segments, params: names.size };
}

type SegmentsMatch = { params: Record<string, string> } | { bad: string } | null;

function matchSegments<H>(route: Compiled<H>, parts: string[]): SegmentsMatch {
  if (parts.length !== route.segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const seg = route.segments[i]!;
    const part = parts[i]!;
    if ('literal' in seg) {
      if (seg.literal !== part) return null;
    } else {
      if (part === '') return null;
      try {
        params[seg.param] = decodeURIComponent(part);
      } catch {
        return { bad: `path parameter ${seg.param} is not valid percent-encoding` };
      }
    }
  }
  return { params };
}

/**
 * A route table over templates. Routes with fewer parameters win (`/items/search` before `/items/{id}`),
 * then the order given. HEAD falls back to the GET route (node:http leaves out the body).
 */
export function createRouteTable<H>(specs: Array<RouteSpec<H>>) {
  const routes = specs.map(compile).sort((a, b) => a.params - b.params);
  const seen = new Set<string>();
  for (const r of routes) {
    const key = `${r.method} ${r.spec.template}`;
    if (seen.has(key)) throw new Error(`route registered twice: ${key}`);
    seen.add(key);
  }

  return {
    /** Match a request; `pathname` is the raw (still percent-encoded) path without the query. */
    match(method: string, pathname: string): RouteMatch<H> {
      const parts = pathname === '/' ? [] : pathname.slice(1).split('/');
      const wanted = method.toUpperCase();
      const allow: string[] = [];
      let template: string | null = null;
      for (const route of routes) {
        const m = matchSegments(route, parts);
        if (!m) continue;
        template ??= route.spec.template;
        if (route.method === wanted || (wanted === 'HEAD' && route.method === 'GET' && !routes.some((r) => r.method === 'HEAD' && r.spec.template === route.spec.template))) {
          if ('bad' in m) return { kind: 'bad-path', route: route.spec.template, reason: m.bad };
          return { kind: 'found', route: route.spec.template, handler: route.spec.handler, params: m.params };
        }
        if (route.spec.template === template) allow.push(route.method);
      }
      if (template) return { kind: 'method-not-allowed', route: template, allow: [...new Set(allow)] };
      return { kind: 'not-found', route: UNMATCHED_ROUTE };
    },
    /** The templates, for documentation and tests. */
    templates: () => [...new Set(routes.map((r) => r.spec.template))],
  };
}
