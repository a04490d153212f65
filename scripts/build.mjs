// One build for everything: main (Node + Electron), preload (sandboxed CJS) and the renderer bundle.
// esbuild is fast enough (~1 s) to run on every `npm start` and from `prepare` after `npm ci`.
import { build } from 'esbuild';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// Not wiped first: entry names are fixed, and a running `lookout serve` or test keeps working while another build overwrites it.
const out = `${root}dist`;

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  // node_modules stay external: they are installed beside dist (and packaged by electron-builder).
  packages: 'external',
  // Code behind a dynamic import (the dashboards-as-code SDK) goes into its own chunk, loaded only when used.
  splitting: true,
  logLevel: 'warning',
};

const [, , , renderer] = await Promise.all([
  build({ ...node, entryPoints: { cli: `${root}main/cli.ts` }, outdir: `${out}/main`, banner: { js: '#!/usr/bin/env node' } }),
  build({ ...node, entryPoints: { electron: `${root}main/electron/main.ts` }, outdir: `${out}/main`, external: ['electron'] }),
  // Sandboxed preloads must be CommonJS and may require only 'electron'.
  build({ ...node, entryPoints: { index: `${root}preload/index.ts` }, outdir: `${out}/preload`, format: 'cjs', splitting: false, packages: undefined, external: ['electron'], outExtension: { '.js': '.cjs' } }),
  build({
    // boot.js runs first and starts the first screen's calls while app.js (react-dom) still loads; the
    // code both use (stores, api client) goes into a shared chunk, so there is one instance of each.
    entryPoints: { boot: `${root}renderer/boot.ts`, app: `${root}renderer/main.tsx` },
    outdir: `${out}/renderer/assets`,
    bundle: true,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    platform: 'browser',
    target: ['chrome120'],
    format: 'esm',
    jsx: 'automatic',
    minify: true,
    sourcemap: 'linked',
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    logLevel: 'warning',
  }),
]);
// Chunk names carry a content hash: drop the ones this build no longer references.
const assets = `${out}/renderer/assets`;
const written = new Set(Object.keys(renderer.metafile.outputs).map((f) => path.basename(f)));
for (const file of await readdir(assets)) if (!written.has(file)) await rm(`${assets}/${file}`);
// The page names the shared chunks up front (modulepreload), so they load beside boot.js rather than after it.
const chunks = [...written].filter((f) => f.startsWith('chunk-') && f.endsWith('.js'));
const preload = chunks.map((f) => `<link rel="modulepreload" href="./assets/${f}" />`).join('\n    ');
const html = await readFile(`${root}renderer/index.html`, 'utf8');
if (!html.includes('<!-- modulepreload -->')) throw new Error('renderer/index.html lost its <!-- modulepreload --> marker');
await writeFile(`${out}/renderer/index.html`, html.replace('<!-- modulepreload -->', preload));
await cp(`${root}assets`, `${out}/assets`, { recursive: true });
