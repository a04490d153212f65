#!/usr/bin/env node
// A stand-in for Grafana, which cannot run on the CI machines. Tests copy this file into a temp dir as
// `grafana` (or `grafana-server`) and point stack.components.grafana.binary at it. It behaves like the real
// binary where Lookout depends on it, replaying recorded output (test/fixtures/grafana/README.md):
//
// - `grafana --version` / `grafana-server -v` print the recorded version lines;
// - `grafana server` (or `grafana-server`) takes --homepath and --config, refuses to start without
//   <homepath>/conf/defaults.ini (Grafana's own message), reads the ini, applies GF_* environment and
//   `cfg:` argument overrides and `$__file{…}` / `${ENV}` expansion in Grafana's order, and listens on
//   [server] http_addr:http_port;
// - GET /api/health answers the recorded body; GET /api/user checks basic auth against the expanded
//   [security] admin_user / admin_password (so a test can log in with the password Lookout hands out);
// - SIGTERM shuts it down with exit code 0.
//
// Every invocation appends {argv, pid} to fake-grafana-argv.jsonl beside the binary, so tests see exactly
// what the supervisor ran.
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'grafana');
const self = process.argv[1];
const name = path.basename(self);
const args = process.argv.slice(2);
const binDir = path.dirname(self);
// The fixture dir is found from the original file; a copy in a temp dir gets it through this variable or a sibling file.
const fixtures = existsSync(path.join(binDir, 'fixtures')) ? path.join(binDir, 'fixtures') : FIXTURES;

appendFileSync(path.join(binDir, 'fake-grafana-argv.jsonl'), `${JSON.stringify({ argv: [self, ...args], pid: process.pid })}\n`);

const out = (line) => process.stdout.write(`${line}\n`);
const fail = (message, code = 1) => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};

let rest = args;
if (name === 'grafana-server') {
  if (args[0] === '-v') {
    out(readFileSync(path.join(fixtures, 'version-grafana-server.txt'), 'utf8').trim());
    process.exit(0);
  }
  // Go's flag package: an undefined flag is an error with exit code 2.
  if (args[0] === '--version') fail('flag provided but not defined: -version', 2);
} else {
  if (args[0] === '--version' || args[0] === '-v') {
    out(readFileSync(path.join(fixtures, 'version-grafana.txt'), 'utf8').trim());
    process.exit(0);
  }
  if (args[0] !== 'server') fail(`grafana: '${args[0] ?? ''}' is not a grafana command. See 'grafana --help'.`);
  rest = args.slice(1);
}

function flag(flagName) {
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === `--${flagName}` || rest[i] === `-${flagName}`) return rest[i + 1];
    const m = new RegExp(`^--?${flagName}=(.*)$`).exec(rest[i]);
    if (m) return m[1];
  }
  return undefined;
}

const homepath = flag('homepath') ?? process.cwd();
const configFile = flag('config');
if (!existsSync(path.join(homepath, 'conf', 'defaults.ini'))) {
  // Grafana's own words (grafana/grafana#27171).
  fail('Grafana-server Init Failed: Could not find config defaults, make sure homepath command line parameter is set or working directory is homepath');
}
if (!configFile) fail('fake grafana: Lookout always passes --config');

/** go-ini as Grafana uses it: sections, `key = value`, `;`/`#` comments, backtick or double-quote quoting. */
function parseIni(text) {
  const sections = {};
  let current = sections[''] = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith(';') || line.startsWith('#')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = sections[section[1]] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) fail(`fake grafana: cannot parse ini line: ${line}`);
    let value = line.slice(eq + 1).trim();
    if ((value.startsWith('`') && value.endsWith('`')) || (value.startsWith('"') && value.endsWith('"'))) value = value.slice(1, -1);
    else value = value.split(/[#;]/)[0].trim();
    current[line.slice(0, eq).trim()] = value;
  }
  return sections;
}

/** Grafana's expanders (pkg/setting/expanders.go): the same pattern, env first, then files (trimmed). */
function expand(section, key, value) {
  return value.replace(/\$(|__\w+)\{([^}]+)\}/g, (match, kind, arg) => {
    if (kind === '') return process.env[arg] ?? '';
    if (kind === '__env') return process.env[arg] ?? '';
    if (kind === '__file') {
      try {
        statSync(arg);
        return readFileSync(arg, 'utf8').trim();
      } catch (err) {
        fail(`Failed to start grafana. error: got error while expanding ${section}.${key} with expander 'file': ${err.message}`);
      }
    }
    return match;
  });
}

const ini = parseIni(readFileSync(configFile, 'utf8'));
// Grafana's order (pkg/setting): the --config file, then GF_<SECTION>_<KEY> environment overrides, then
// `cfg:section.key=value` arguments, then variable expansion.
for (const [section, keys] of Object.entries(ini)) {
  for (const key of Object.keys(keys)) {
    const env = `GF_${section}_${key}`.toUpperCase().replace(/[.-]/g, '_');
    if (process.env[env] !== undefined) keys[key] = process.env[env];
  }
}
for (const arg of rest.filter((a) => a.startsWith('cfg:') && !a.startsWith('cfg:default.'))) {
  const parts = arg.slice(4).split('=');
  if (parts.length !== 2) fail(`Invalid command line argument. argument: ${arg}`);
  const dot = parts[0].lastIndexOf('.');
  (ini[parts[0].slice(0, dot)] ??= {})[parts[0].slice(dot + 1)] = parts[1];
}
for (const [section, keys] of Object.entries(ini)) for (const key of Object.keys(keys)) keys[key] = expand(section, key, keys[key]);

const server = ini.server ?? {};
const security = ini.security ?? {};
const host = server.http_addr || '0.0.0.0';
const port = Number(server.http_port || 3000);
const adminUser = security.admin_user || 'admin';
const adminPassword = security.admin_password || 'admin';
const health = readFileSync(path.join(fixtures, 'api-health.json'), 'utf8');

const httpServer = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET' && url.pathname === '/api/health') {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    return res.end(health);
  }
  if (req.method === 'GET' && url.pathname === '/api/user') {
    const auth = req.headers.authorization ?? '';
    const [user, ...pass] = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString().split(':');
    if (auth.startsWith('Basic ') && user === adminUser && pass.join(':') === adminPassword) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ id: 1, login: adminUser, isGrafanaAdmin: true }));
    }
    res.writeHead(401, { 'Content-Type': 'application/json' });
    return res.end(JSON.stringify({ message: 'Invalid username or password' }));
  }
  res.writeHead(404, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ message: 'Not found' }));
});

httpServer.listen(port, host, () => out(`logger=http.server msg="HTTP Server Listen" address=${host}:${port} protocol=http`));
httpServer.on('error', (err) => fail(`Failed to start grafana. error: ${err.message}`));
process.on('SIGTERM', () => {
  out('logger=server msg="Shutdown started" reason="System signal: terminated"');
  httpServer.close(() => process.exit(0));
  httpServer.closeAllConnections();
});
