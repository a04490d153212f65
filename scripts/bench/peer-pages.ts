/**
 * Peers for the popover's first render, served to the same Chromium in the same run, with the same
 * response headers: a page with no framework, and a React page that renders one paragraph. Both set the
 * marks the popover sets, at the same points (`lookout:app-evaluated` once their script has run,
 * `lookout:first-render` once the frame showing their content has been painted: a task queued from the next
 * animation frame), so the three figures differ only in what the page
 * does: they show how much of the popover's time is the browser's own, and React's.
 */
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SECURITY_HEADERS } from '../../main/server/http';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

const page = (script: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>peer</title><script type="module" src="/${script}"></script></head><body><div id="root"></div></body></html>`;

const BLANK = `const p = document.createElement('p');
p.textContent = 'blank';
document.getElementById('root').append(p);
performance.mark('lookout:app-evaluated');
requestAnimationFrame(() => setTimeout(() => performance.mark('lookout:first-render')));`;

// Built like the popover's bundle (minified, production React), from this repository's react and react-dom.
const HELLO = `import { useEffect } from 'react';
import { createRoot } from 'react-dom/client';
function Hello() {
  useEffect(() => { requestAnimationFrame(() => setTimeout(() => performance.mark('lookout:first-render'))); }, []);
  return <p>hello</p>;
}
performance.mark('lookout:app-evaluated');
createRoot(document.getElementById('root')).render(<Hello />);`;

export interface PeerPages {
  blankUrl: string;
  reactUrl: string;
  close(): Promise<void>;
}

export async function startPeerPages(): Promise<PeerPages> {
  const bundle = await build({
    stdin: { contents: HELLO, loader: 'tsx', resolveDir: ROOT },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120'],
    jsx: 'automatic',
    minify: true,
    write: false,
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const files: Record<string, [string, string]> = {
    '/blank.html': ['text/html', page('blank.js')],
    '/blank.js': ['text/javascript', BLANK],
    '/react.html': ['text/html', page('react.js')],
    '/react.js': ['text/javascript', bundle.outputFiles[0]!.text],
  };
  const server: Server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (!file) return void res.writeHead(404).end();
    // Lookout's own security headers: Cross-Origin-Opener-Policy alone moves the page into a new
    // renderer process, which costs tens of milliseconds on this harness's first navigation.
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': `${file[0]}; charset=utf-8`, 'Cache-Control': 'no-cache' }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    blankUrl: `${base}/blank.html`,
    reactUrl: `${base}/react.html`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
