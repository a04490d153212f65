/**
 * The layering of docs/architecture.md, enforced on resolved module paths (so `../../../server/http`
 * from deep inside main/core is caught, and dynamic `import()` too), plus no import circles anywhere.
 * `npm run lint` runs it; scripts/layering.test.ts proves a forbidden import fails it.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle makes module order matter and blocks splitting the code; break it with a leaf module.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-plain-node',
      severity: 'error',
      comment: 'main/core never imports a shell, Electron or React: put it behind a port.',
      from: { path: '^main/core/' },
      to: { path: ['^main/(electron|server)/', '^main/reference/', '^renderer/', '^preload/', '^node_modules/(electron|react|react-dom)/'] },
    },
    {
      name: 'common-imports-nothing',
      severity: 'error',
      comment: 'common/ is the contract: it imports nothing outside common/, but for the SSE parser its one HTTP client uses (and the test runner in tests).',
      from: { path: '^common/' },
      to: { pathNot: ['^common/', '^node_modules/eventsource-parser/', '^node_modules/vitest/'] },
    },
    {
      name: 'renderer-only-common',
      severity: 'error',
      comment: 'The renderer talks only to the typed api: no Node, no Electron, no main/.',
      from: { path: '^renderer/' },
      to: { path: ['^main/', '^preload/', '^node_modules/electron/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'renderer-no-node-builtins',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'preload-only-common-and-electron',
      severity: 'error',
      comment: 'The sandboxed preload may require only electron, and sees only the contract.',
      from: { path: '^preload/' },
      to: { pathNot: ['^common/', '^node_modules/electron/', '^electron$'] },
    },
    {
      name: 'shell-is-a-client-of-its-core',
      severity: 'error',
      comment:
        'The Electron shell runs no core: it forks main/core-host as a utilityProcess and talks to it over HTTP/SSE and the parent port. Pure core modules (links, settings schema, ports) are fine; the composition root, the server and the host are not.',
      from: { path: '^main/electron/' },
      to: { path: ['^main/(index|cli)\\.ts$', '^main/(server|cli|core-host|reference)/'] },
    },
    {
      name: 'core-host-has-no-electron',
      severity: 'error',
      comment: 'The core host is a utilityProcess: plain Node, no Electron main-process API. What only Electron can do, it asks the shell for over its parent port.',
      from: { path: '^main/core-host/' },
      to: { path: ['^main/electron/', '^node_modules/electron/', '^electron$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // A worktree's node_modules may be a symlink to another checkout's: resolve through it by its own name,
    // so '^node_modules/electron/' matches there too instead of '../main/node_modules/electron/'.
    preserveSymlinks: true,
    exclude: { path: ['^dist/', '^test-results/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
