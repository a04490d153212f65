#!/usr/bin/env node
// A stand-in for Homebrew's `brew`, installed as `<dir>/bin/brew` by test/fakes/install-brew-stand-in.ts. It prints
// what brew 6 prints when its output is not a terminal (formats and sources in brew-stand-in.md) and keeps
// its "Cellar" under the prefix named in `<dir>/brew-stand-in.json`:
//   { "prefix": "/tmp/…/prefix", "scenario": "ok" | "offline" | "hang" }
// Every invocation is appended to `<dir>/brew-invocations.jsonl`, so tests can check what Lookout ran
// (and that it never ran `brew services`).
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(process.argv[1]);
const config = JSON.parse(readFileSync(path.join(here, 'brew-stand-in.json'), 'utf8'));
const argv = process.argv.slice(2);
appendFileSync(path.join(here, 'brew-invocations.jsonl'), `${JSON.stringify({ argv, pid: process.pid })}\n`);

// homebrew-core's versions as of August 2026 (formula files prometheus.rb, alertmanager.rb, …).
const FORMULAE = {
  prometheus: { version: '3.14.0', binaries: ['prometheus', 'promtool'], files: 25, size: '270.1MB', caveats: 'When run from `brew services`, `prometheus` is run from\n`prometheus_brew_services` and uses the flags in:\n   /opt/homebrew/etc/prometheus.args' },
  alertmanager: { version: '0.34.0', binaries: ['alertmanager', 'amtool'], files: 9, size: '71.3MB' },
  node_exporter: { version: '1.12.1', binaries: ['node_exporter'], files: 10, size: '21.9MB' },
  grafana: { version: '12.4.3', binaries: ['grafana', 'grafana-cli', 'grafana-server'], files: 9_412, size: '520.2MB' },
};
const BOTTLE_TAG = 'arm64_sequoia';
const statePath = path.join(config.prefix, 'stand-in-installed.json');
const installed = () => (existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : {});
const out = (s) => process.stdout.write(`${s}\n`);
const err = (s) => process.stderr.write(`${s}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function install(name) {
  const f = FORMULAE[name];
  if (!f) {
    // cmd/install.rb: opoo the FormulaUnavailableError, search, then odie.
    err(`Warning: No available formula with the name "${name}". `);
    out('==> Searching for similarly named formulae and casks...');
    err(`Error: No formulae or casks found for ${name}.`);
    process.exit(1);
  }
  if (installed()[name] === f.version) {
    err(`Warning: ${name} ${f.version} is already installed and up-to-date.`);
    err(`To reinstall ${f.version}, run:`);
    err(`  brew reinstall ${name}`);
    return;
  }
  // download_queue.rb: without a terminal the heading goes to stderr, and each finished download is one line.
  err(`==> Fetching downloads for: ${name}`);
  await sleep(40);
  if (config.scenario === 'offline') {
    err('curl: (6) Could not resolve host: ghcr.io');
    err(`✘ Bottle Manifest ${name} (${f.version})`);
    err(`Error: ${name}: Failed to download resource "${name}_bottle_manifest"`);
    err(`Download failed: https://ghcr.io/v2/homebrew/core/${name}/manifests/${f.version}`);
    process.exit(1);
  }
  if (config.scenario === 'hang') {
    // A slow download: stays here until Lookout cancels (SIGTERM kills it, as Ruby's default handler does).
    await sleep(60_000);
  }
  err(`✔︎ Bottle Manifest ${name} (${f.version})`);
  err(`✔︎ Bottle ${name} (${f.version})`);
  out(`==> Pouring ${name}--${f.version}.${BOTTLE_TAG}.bottle.tar.gz`);
  const keg = path.join(config.prefix, 'Cellar', name, f.version);
  mkdirSync(path.join(keg, 'bin'), { recursive: true });
  mkdirSync(path.join(config.prefix, 'bin'), { recursive: true });
  for (const bin of f.binaries) {
    const file = path.join(keg, 'bin', bin);
    writeFileSync(file, `#!/bin/sh\necho "${bin}, version ${f.version} (branch: HEAD, revision: stand-in)"\n`);
    chmodSync(file, 0o755);
    const link = path.join(config.prefix, 'bin', bin);
    rmSync(link, { force: true });
    symlinkSync(path.relative(path.dirname(link), file), link);
  }
  writeFileSync(statePath, JSON.stringify({ ...installed(), [name]: f.version }));
  if (f.caveats) {
    out('==> Caveats');
    out(f.caveats);
  }
  out('==> Summary');
  out(`🍺  ${keg}: ${f.files.toLocaleString('en-US')} files, ${f.size}`);
  out(`==> Running \`brew cleanup ${name}\`...`);
}

function info(name) {
  const f = FORMULAE[name];
  if (!f) {
    err(`Error: No available formula with the name "${name}".`);
    process.exit(1);
  }
  const v = installed()[name];
  // Formula#to_hash (formula.rb), the fields Lookout reads plus enough of the rest to be recognisable.
  const formula = {
    name,
    full_name: name,
    tap: 'homebrew/core',
    oldnames: [],
    aliases: [],
    versioned_formulae: [],
    desc: `${name} (stand-in)`,
    license: 'Apache-2.0',
    homepage: 'https://prometheus.io/',
    versions: { stable: f.version, head: null, bottle: true },
    revision: 0,
    keg_only: false,
    installed: v ? [{ version: v, used_options: [], built_as_bottle: true, poured_from_bottle: true, time: 1786000000, runtime_dependencies: [], installed_on_request: true }] : [],
    linked_keg: v ?? null,
    pinned: false,
    outdated: false,
    deprecated: false,
    disabled: false,
  };
  out(JSON.stringify({ formulae: [formula], casks: [] }, null, 2));
}

const [cmd, ...rest] = argv;
const names = rest.filter((a) => !a.startsWith('-'));
switch (cmd) {
  case '--version':
    out('Homebrew 6.0.18');
    break;
  case '--prefix':
    out(config.prefix);
    break;
  case 'install':
    for (const n of names) await install(n);
    break;
  case 'info':
    info(names[0]);
    break;
  case 'list':
    if (rest.includes('--versions')) {
      const v = installed()[names[0]];
      if (!v) process.exit(1);
      out(`${names[0]} ${v}`);
    }
    break;
  case 'services':
    err('Error: brew-stand-in: Lookout must never run `brew services` (it supervises the processes itself)');
    process.exit(2);
    break;
  default:
    err(`Error: Unknown command: brew ${cmd}`);
    process.exit(1);
}
