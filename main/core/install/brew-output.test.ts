import { describe, expect, it } from 'vitest';
import { parseBrewLine } from './brew-output';
import { parseBrewInfo } from './brew-installer';

describe('parseBrewLine (formats from Homebrew 6 source, see test/fakes/brew-stand-in.md)', () => {
  it('reads headings into phases', () => {
    expect(parseBrewLine('==> Auto-updating Homebrew...')).toMatchObject({ phase: 'resolving' });
    expect(parseBrewLine('==> Fetching downloads for: prometheus')).toMatchObject({ phase: 'downloading', message: 'Fetching downloads for: prometheus' });
    expect(parseBrewLine('==> Downloading https://ghcr.io/v2/homebrew/core/prometheus/blobs/sha256:abc')).toMatchObject({ phase: 'downloading' });
    expect(parseBrewLine('==> Pouring prometheus--3.14.0.arm64_sequoia.bottle.tar.gz')).toMatchObject({ phase: 'unpacking', message: 'Pouring prometheus--3.14.0.arm64_sequoia.bottle.tar.gz' });
    expect(parseBrewLine('\u001b[34m==>\u001b[0m \u001b[1mInstalling dependencies for grafana: fontconfig\u001b[0m')).toMatchObject({ phase: 'unpacking' });
  });

  it('reads finished downloads (✔︎ with and without the text-style selector) and failed ones', () => {
    expect(parseBrewLine('✔︎ Bottle prometheus (3.14.0)')).toMatchObject({ phase: 'downloading', message: 'Downloaded Bottle prometheus (3.14.0)' });
    expect(parseBrewLine('✔ JSON API formula.jws.json')).toMatchObject({ phase: 'resolving' });
    expect(parseBrewLine('✘ Bottle Manifest prometheus (3.14.0)')).toMatchObject({ error: 'download failed: Bottle Manifest prometheus (3.14.0)' });
  });

  it('reads the progress bar a terminal would show', () => {
    expect(parseBrewLine('######################################################################## 100.0%')).toMatchObject({ percent: 100 });
    expect(parseBrewLine('#####                     12.5%')).toMatchObject({ percent: 12.5 });
  });

  it('reads the summary line (with or without the badge) and "already installed"', () => {
    expect(parseBrewLine('🍺  /opt/homebrew/Cellar/prometheus/3.14.0: 25 files, 270.1MB')).toMatchObject({ formula: 'prometheus', version: '3.14.0', cellar: '/opt/homebrew/Cellar/prometheus/3.14.0' });
    expect(parseBrewLine('/usr/local/Cellar/node_exporter/1.12.1: 10 files, 21.9MB')).toMatchObject({ formula: 'node_exporter', version: '1.12.1' });
    expect(parseBrewLine('/opt/homebrew/Cellar/grafana/12.4.3: 9,412 files, 520.2MB, built in 5 seconds')).toMatchObject({ version: '12.4.3' });
    expect(parseBrewLine('Warning: prometheus 3.14.0 is already installed and up-to-date.')).toMatchObject({ alreadyInstalled: true, version: '3.14.0', formula: 'prometheus' });
  });

  it('classifies failures: curl exit codes, unknown formula, brew errors', () => {
    expect(parseBrewLine('curl: (6) Could not resolve host: ghcr.io')).toMatchObject({ failureKind: 'dns' });
    expect(parseBrewLine('curl: (7) Failed to connect to ghcr.io port 443 after 3 ms: Couldn\'t connect to server')).toMatchObject({ failureKind: 'refused' });
    expect(parseBrewLine('curl: (28) Operation timed out after 15000 milliseconds')).toMatchObject({ failureKind: 'timeout' });
    expect(parseBrewLine('Warning: No available formula with the name "nosuch". ')).toMatchObject({ failureKind: 'unknown-formula' });
    expect(parseBrewLine('Error: No formulae or casks found for nosuch.')).toMatchObject({ failureKind: 'unknown-formula' });
    expect(parseBrewLine('Error: prometheus: Failed to download resource "prometheus_bottle_manifest"')).toMatchObject({ error: 'prometheus: Failed to download resource "prometheus_bottle_manifest"', failureKind: undefined });
    expect(parseBrewLine('When run from `brew services`, `prometheus` is run from')).toBeNull();
  });
});

describe('parseBrewInfo', () => {
  it('reads stable, installed and linked versions', () => {
    const json = JSON.stringify({ formulae: [{ name: 'prometheus', versions: { stable: '3.14.0', head: null, bottle: true }, installed: [{ version: '3.13.2' }, { version: '3.14.0' }], linked_keg: '3.13.2' }], casks: [] });
    expect(parseBrewInfo(json)).toEqual({ name: 'prometheus', stable: '3.14.0', installed: ['3.13.2', '3.14.0'], linked: '3.13.2' });
  });
  it('is null for anything else', () => {
    expect(parseBrewInfo('Error: x')).toBeNull();
    expect(parseBrewInfo('{"casks":[]}')).toBeNull();
  });
});
