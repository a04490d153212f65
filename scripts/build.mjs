// One build for everything: main (the CLI, the Electron shell and its core host), preload (sandboxed CJS) and the renderer bundle.
// esbuild is fast enough (~1 s) to run on every `npm start` and from `prepare` after `npm ci`.
import { build } from 'esbuild';
import { cp, mkdir } from 'node:fs/promises';

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

await Promise.all([
  build({ ...node, entryPoints: { cli: `${root}main/cli.ts` }, outdir: `${out}/main`, banner: { js: '#!/usr/bin/env node' } }),
  build({ ...node, entryPoints: { electron: `${root}main/electron/main.ts` }, outdir: `${out}/main`, external: ['electron'] }),
  // The menubar app's core, forked by the shell as an Electron utilityProcess (plain Node: no electron import).
  build({ ...node, entryPoints: { 'core-host': `${root}main/core-host/main.ts` }, outdir: `${out}/main` }),
  // Sandboxed preloads must be CommonJS and may require only 'electron'.
  build({ ...node, entryPoints: { index: `${root}preload/index.ts` }, outdir: `${out}/preload`, format: 'cjs', splitting: false, packages: undefined, external: ['electron'], outExtension: { '.js': '.cjs' } }),
  build({
    entryPoints: { app: `${root}renderer/main.tsx` },
    outdir: `${out}/renderer/assets`,
    bundle: true,
    platform: 'browser',
    target: ['chrome120'],
    format: 'esm',
    jsx: 'automatic',
    minify: true,
    sourcemap: 'linked',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  }),
]);
await mkdir(`${out}/renderer`, { recursive: true });
await cp(`${root}renderer/index.html`, `${out}/renderer/index.html`);
await cp(`${root}assets`, `${out}/assets`, { recursive: true });
