/**
 * A small client for the local Prometheus HTTP API (query and query_range), shared by everything in
 * core that reads history back. Errors name the query and say what Prometheus answered.
 */
export interface RangeSeries {
  metric: Record<string, string>;
  /** [unix seconds, value] pairs, as Prometheus returns them (values are strings in the API). */
  values: Array<[number, number]>;
}

export interface PrometheusClient {
  queryRange(expr: string, range: { start: number; end: number; stepSeconds: number }): Promise<RangeSeries[]>;
  query(expr: string, at?: number): Promise<Array<{ metric: Record<string, string>; value: number }>>;
}

interface ApiResponse<T> {
  status: 'success' | 'error';
  data?: T;
  error?: string;
}

/**
 * `headers` gives the Authorization for each call (main/core/lockdown/access.ts): read per call, so a
 * changed credential or a switch to an attached server applies at once.
 */
export function createPrometheusClient(baseUrl: () => string, timeoutMs = 5_000, headers: () => Promise<Record<string, string>> = async () => ({})): PrometheusClient {
  async function get<T>(path: string, params: Record<string, string>, what: string): Promise<T> {
    const url = `${baseUrl()}${path}?${new URLSearchParams(params)}`;
    let res: Response;
    try {
      res = await fetch(url, { headers: await headers(), signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      throw new Error(`Prometheus is not answering at ${baseUrl()} (${e.cause?.code ?? e.message})`, { cause: err });
    }
    const body = (await res.json().catch(() => null)) as ApiResponse<T> | null;
    if (!res.ok || !body || body.status !== 'success' || body.data === undefined) {
      throw new Error(`Prometheus rejected ${what}: ${body?.error ?? `HTTP ${res.status}`}`);
    }
    return body.data;
  }

  return {
    async queryRange(expr, { start, end, stepSeconds }) {
      const data = await get<{ result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }>(
        '/api/v1/query_range',
        { query: expr, start: String(start), end: String(end), step: String(stepSeconds) },
        `query_range ${expr}`,
      );
      return data.result.map((r) => ({ metric: r.metric, values: r.values.map(([t, v]) => [t, Number(v)] as [number, number]) }));
    },
    async query(expr, at) {
      const params: Record<string, string> = { query: expr };
      if (at !== undefined) params.time = String(at);
      const data = await get<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>('/api/v1/query', params, `query ${expr}`);
      return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
  };
}
