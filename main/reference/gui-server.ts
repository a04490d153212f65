/**
 * Reference GUI server: a small page that asks the LLM server questions through POST /api/complete,
 * which this server forwards over HTTP (trace context and correlation id travel along).
 */
import { callService, createHttpService, HttpError, route, type Telemetry } from '../core/telemetry/kit';
import { adminRoutes, Faults } from './faults';
import type { RunningService } from './running-service';

export interface GuiServerOptions {
  telemetry: Telemetry;
  port?: number;
  /** Base URL of the LLM server. */
  llmUrl: string;
  exit?: (code: number) => void;
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Lookout reference GUI</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 15px/1.45 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  textarea { width: 100%; min-height: 4rem; font: inherit; }
  pre { white-space: pre-wrap; background: #f4f4f4; padding: .75rem; border-radius: 6px; }
  small { color: #666; }
</style>
</head>
<body>
<h1>Ask the reference LLM</h1>
<p><small>GUI server → LLM server (HTTP) → memory server (Unix socket). Every hop is traced and measured.</small></p>
<form id="ask">
  <textarea id="prompt" name="prompt" required>What does Lookout watch?</textarea>
  <p><button type="submit">Ask</button></p>
</form>
<pre id="answer">…</pre>
<p><small id="meta"></small></p>
<script src="/app.js" type="module"></script>
</body>
</html>
`;

const SCRIPT = `const form = document.getElementById('ask');
const answer = document.getElementById('answer');
const meta = document.getElementById('meta');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  answer.textContent = '…';
  const started = performance.now();
  try {
    const res = await fetch('/api/complete', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ prompt: document.getElementById('prompt').value }) });
    const body = await res.json();
    answer.textContent = res.ok ? body.text : 'Error: ' + body.error.message;
    meta.textContent = 'request id ' + res.headers.get('x-request-id') + ' · ' + Math.round(performance.now() - started) + ' ms' + (body.cache ? ' · cache ' + body.cache : '');
  } catch (err) {
    answer.textContent = 'Error: ' + err.message;
  }
});
`;

const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export async function startGuiServer(opts: GuiServerOptions): Promise<RunningService> {
  const { telemetry } = opts;
  const faults = new Faults();
  const llm = opts.llmUrl.replace(/\/$/, '');
  telemetry.metrics.declarePeer('llm');

  const http = createHttpService({
    telemetry,
    before: [faults.httpHook()],
    routes: [
      route('GET', '/', () => ({ body: PAGE, contentType: 'text/html; charset=utf-8', headers: PAGE_HEADERS })),
      route('GET', '/app.js', () => ({ body: SCRIPT, contentType: 'text/javascript; charset=utf-8', headers: PAGE_HEADERS })),
      route('GET', '/healthz', () => ({ json: { status: 'ok' } })),
      route('POST', '/api/complete', async (ctx) => {
        const body = await ctx.json<{ prompt?: unknown; max_tokens?: unknown }>();
        if (typeof body?.prompt !== 'string' || !body.prompt.trim()) throw new HttpError(400, 'prompt: must be a non-empty string', 'bad_request');
        let res: Response;
        try {
          res = await callService(telemetry, 'llm', `${llm}/v1/completions`, {
            json: { prompt: body.prompt, max_tokens: typeof body.max_tokens === 'number' ? body.max_tokens : 48 },
            beforeSend: () => faults.beforeIpc(),
          });
        } catch (err) {
          ctx.log.warn({ error: (err as Error).message }, 'llm unavailable');
          throw new HttpError(502, 'the LLM server did not answer', 'upstream_unavailable');
        }
        const answer = (await res.json().catch(() => null)) as { choices?: Array<{ text?: string }>; cache?: string; error?: { message?: string } } | null;
        if (!res.ok) {
          const status = res.status >= 500 ? 502 : res.status;
          throw new HttpError(status, `the LLM server answered ${res.status}: ${answer?.error?.message ?? 'no details'}`, 'upstream_error');
        }
        ctx.log.info({ cache: answer?.cache }, 'answer forwarded');
        return { json: { text: answer?.choices?.[0]?.text ?? '', cache: answer?.cache } };
      }),
      ...adminRoutes(faults, telemetry, opts.exit),
    ],
  });

  const { url, port } = await http.listen(opts.port ?? 0);
  return {
    name: 'gui',
    url,
    port,
    faults,
    close: () => http.close(),
  };
}
