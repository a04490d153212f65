/** A small client of Prometheus' HTTP query API for tests. */

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface Series {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

async function api<T>(base: string, path: string, params: Record<string, string | number>): Promise<T> {
  const url = new URL(path, base);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  const res = await fetch(url);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`Prometheus ${url.pathname}?${url.searchParams}: ${body.error ?? res.status}`);
  return body.data;
}

/** An instant query returning an instant vector (at `time`, seconds, when given). */
export async function instant(base: string, query: string, time?: number): Promise<Sample[]> {
  const data = await api<{ resultType: string; result: Sample[] }>(base, '/api/v1/query', { query, ...(time === undefined ? {} : { time }) });
  if (data.resultType !== 'vector') throw new Error(`${query}: expected a vector, got ${data.resultType}`);
  return data.result;
}

/** The value of a query that must name exactly one series, or null when it names none. */
export async function single(base: string, query: string, time?: number): Promise<number | null> {
  const r = await instant(base, query, time);
  if (r.length > 1) throw new Error(`${query}: ${r.length} series, expected one`);
  return r.length ? Number(r[0]!.value[1]) : null;
}

/** A range selector evaluated at `time`: the raw samples, as stored. */
export async function rawSamples(base: string, selector: string, windowSeconds: number, time: number): Promise<Series[]> {
  const data = await api<{ resultType: string; result: Series[] }>(base, '/api/v1/query', { query: `${selector}[${windowSeconds}s]`, time });
  if (data.resultType !== 'matrix') throw new Error(`${selector}: expected a matrix, got ${data.resultType}`);
  return data.result;
}

export async function range(base: string, query: string, start: number, end: number, step: number): Promise<Series[]> {
  const data = await api<{ resultType: string; result: Series[] }>(base, '/api/v1/query_range', { query, start, end, step });
  return data.result;
}

/** Active scrape targets by job. */
export async function activeTargets(base: string): Promise<Array<{ job: string; health: string; labels: Record<string, string>; scrapeUrl: string }>> {
  const data = await api<{ activeTargets: Array<{ labels: Record<string, string>; health: string; scrapeUrl: string }> }>(base, '/api/v1/targets', { state: 'active' });
  return data.activeTargets.map((t) => ({ job: t.labels.job ?? '', health: t.health, labels: t.labels, scrapeUrl: t.scrapeUrl }));
}

export const nowSeconds = () => Date.now() / 1000;
