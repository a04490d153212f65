import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { InstallComponentId, InstalledComponent, InstallPhase, InstallProgress } from '../../../common/install';
import type { CommandRunner } from '../ports';
import { parseVersion } from '../stack/binaries';
import { activate, confirm, currentVersion, rollback } from './activation';
import { download } from './download';
import { cancelled, fsFailure, InstallError, throwIfAborted } from './errors';
import { httpGet, readText, type HttpGet } from './http-get';
import type { Installer, InstallOptions } from './installer';
import { isSafeVersion, MARKER, readMarker, runtimeLayout, type InstallMarker, type RuntimeLayout } from './layout';
import { currentPlatform, releaseSpec, releaseUrls, RELEASES, type Platform, type ReleaseSpec } from './release-catalog';
import { parseSums, sha256File } from './sums';
import { checkBinaries, unpackArchive, type UnpackLimits } from './unpack';
import { isNewer } from './versions';

export interface ReleaseInstallerDeps {
  /** Lookout's home; installs go to `<home>/runtimes`. */
  home: string;
  /** Runs `<binary> --version` before a new install becomes current. */
  runner: CommandRunner;
  /** Base URL replacing https://github.com (the `install.mirror` setting); same path layout. */
  mirror?: string;
  get?: HttpGet;
  platform?: Platform;
  catalog?: Partial<Record<InstallComponentId, ReleaseSpec>>;
  limits?: UnpackLimits;
  /** Free bytes where `dir` lives (default: statfs); a test seam for the disk-space pre-check. */
  freeBytes?(dir: string): Promise<number>;
}

/** The release installer plus what only it can do: switch between installed versions. */
export interface ReleaseInstaller extends Installer {
  readonly layout: RuntimeLayout;
  /** Switch back to the version before the last upgrade (the new one did not run). */
  rollback(component: InstallComponentId): Promise<string>;
  /** The current version ran: remove the others. Returns the versions removed. */
  confirm(component: InstallComponentId): Promise<string[]>;
}

// Unpacked binaries are about 2-3× the archive; the margin keeps the disk from filling to the last byte.
const UNPACK_FACTOR = 3;
const MARGIN_BYTES = 64 * 1024 ** 2;

/**
 * Install official release archives: fetch the project's sums file, download the archive (with progress
 * and resume), check its SHA-256 against the sums before anything is unpacked, unpack into a staging dir
 * inside the component's runtimes dir, check the binary answers `--version`, rename the staging dir into
 * place and only then point `current` at it. Cancel or failure at any step removes the staging dir, so
 * there is never a half install.
 */
export function createReleaseInstaller(deps: ReleaseInstallerDeps): ReleaseInstaller {
  const layout = runtimeLayout(deps.home);
  const get = deps.get ?? httpGet;
  const catalog = deps.catalog ?? RELEASES;
  const freeBytes = deps.freeBytes ?? (async (dir: string) => {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  });
  // Per installer, not per module: two installs of one component would race on its part file and links.
  const inFlight = new Set<InstallComponentId>();

  async function install(component: InstallComponentId, opts: InstallOptions = {}): Promise<InstalledComponent> {
    const emit = (phase: InstallPhase, message: string, extra: Partial<InstallProgress> = {}) =>
      opts.onProgress?.({ component, source: 'release', phase, message, ...extra });
    if (inFlight.has(component)) {
      throw new InstallError('busy', `${component} is already being installed`, 'wait for that install to finish');
    }
    inFlight.add(component);
    try {
      const result = await installOnce(component, opts, emit, true);
      emit('done', `${result.component} ${result.version} installed in ${result.dir}`);
      return result;
    } catch (err) {
      const failure = err instanceof InstallError ? err : (fsFailure(err, layout.root) ?? new InstallError('unexpected', `installing ${component} failed: ${(err as Error).message}`, 'try again; if it persists, report it with the log'));
      emit('failed', failure.message, { failure: failure.toJSON() });
      throw failure;
    } finally {
      inFlight.delete(component);
    }
  }

  async function installOnce(
    component: InstallComponentId,
    opts: InstallOptions,
    emit: (phase: InstallPhase, message: string, extra?: Partial<InstallProgress>) => void,
    mayRetryChecksum: boolean,
  ): Promise<InstalledComponent> {
    const spec = releaseSpec(component, catalog);
    const version = opts.version ?? spec.version;
    if (!isSafeVersion(version)) {
      throw new InstallError('not-published', `${JSON.stringify(version)} is not a release version of ${spec.name}`, `use a version such as ${spec.version}`);
    }
    const platform = deps.platform ?? currentPlatform();
    const what = `${spec.name} ${version}`;
    const versionDir = layout.versionDir(component, version);

    const existing = await readMarker(versionDir);
    if (existing) {
      await activate(layout, component, version);
      return installed(spec, version, versionDir, existing);
    }

    const urls = releaseUrls(spec, version, platform, deps.mirror);
    emit('resolving', `Fetching ${path.basename(urls.sums)} for ${what}`);
    const sumsRes = await get(urls.sums, { signal: opts.signal });
    if (sumsRes.status === 404) {
      sumsRes.body.resume();
      throw new InstallError('not-published', `${what} is not published (HTTP 404 for ${urls.sums})`, `choose a published version, or check install.mirror`);
    }
    if (sumsRes.status !== 200) {
      sumsRes.body.resume();
      throw new InstallError('http', `HTTP ${sumsRes.status} for ${urls.sums}`, 'try again later; if it persists, the server or mirror is misconfigured');
    }
    let sums: Map<string, string>;
    try {
      sums = parseSums(await readText(sumsRes));
    } catch (err) {
      if (err instanceof InstallError) throw err;
      throw new InstallError('checksum', `${urls.sums} cannot be trusted: ${(err as Error).message}`, 'try again later, or use another mirror');
    }
    const expected = sums.get(urls.archiveName);
    if (!expected) {
      throw new InstallError(
        'not-published',
        `${urls.archiveName} is not listed in ${urls.sums}: ${what} has no build for ${platform.os}/${platform.arch}`,
        'choose another version, or install with Homebrew or Docker',
      );
    }
    throwIfAborted(opts.signal, `installing ${what}`);

    await mkdir(layout.downloads, { recursive: true });
    const part = path.join(layout.downloads, `${urls.archiveName}.part`);
    emit('downloading', `Downloading ${urls.archiveName}`, { bytesDone: 0 });
    let resumed: boolean;
    try {
      const result = await download({
        url: urls.archive,
        partFile: part,
        get,
        signal: opts.signal,
        onProgress: (bytesDone, bytesTotal) => emit('downloading', `Downloading ${urls.archiveName}`, { bytesDone, bytesTotal }),
        beforeWrite: async (bytes) => {
          if (bytes === undefined) return;
          const need = bytes * (1 + UNPACK_FACTOR) + MARGIN_BYTES;
          const free = await freeBytes(layout.root).catch(() => Infinity);
          if (free < need) {
            throw new InstallError('disk-full', `not enough disk space for ${what}: it needs about ${mb(need)} in ${layout.root}, ${mb(free)} is free`, `free at least ${mb(need - free)} and try again`);
          }
        },
        notFound: (url) => new InstallError('not-published', `${what} is not published for ${platform.os}/${platform.arch} (HTTP 404 for ${url})`, 'choose another version, or install with Homebrew or Docker'),
      });
      resumed = result.startedAt.some((offset) => offset > 0);
    } catch (err) {
      // A cancelled download leaves nothing behind; a dropped one keeps its part file to resume next time.
      if (err instanceof InstallError && (err.kind === 'cancelled' || err.kind === 'not-published' || err.kind === 'disk-full')) await rm(part, { force: true });
      throw err;
    }

    emit('verifying', `Checking the SHA-256 of ${urls.archiveName}`);
    const actual = await sha256File(part, opts.signal).catch(async (err) => {
      if (!opts.signal?.aborted) throw err;
      await rm(part, { force: true });
      throw cancelled(`installing ${what}`);
    });
    if (actual !== expected) {
      await rm(part, { force: true });
      // A resumed download may have joined two different files; one clean download settles it.
      if (resumed && mayRetryChecksum) return installOnce(component, opts, emit, false);
      throw new InstallError(
        'checksum',
        `checksum mismatch for ${urls.archiveName}: ${path.basename(urls.sums)} says ${expected}, the download is ${actual}; the download was corrupted or tampered with, so nothing was unpacked`,
        'try again; if it happens again, the mirror (or something between you and it) serves a modified file: do not install it by hand',
      );
    }

    await sweepLeftovers(layout.componentDir(component));
    const staging = path.join(layout.componentDir(component), `.staging-${version}-${randomBytes(4).toString('hex')}`);
    try {
      throwIfAborted(opts.signal, `installing ${what}`);
      emit('unpacking', `Unpacking ${urls.archiveName}`);
      await mkdir(staging, { recursive: true, mode: 0o755 });
      await unpackArchive(part, { into: staging, topDir: spec.topDir(version, platform), signal: opts.signal, limits: deps.limits });
      const binaries = await checkBinaries(staging, spec.binaries, urls.archiveName);
      await checkRuns(binaries[spec.binaries[0]!]!, what);
      const marker: InstallMarker = {
        component,
        version,
        archive: urls.archiveName,
        sha256: actual,
        binaries: Object.fromEntries(spec.binaries.map((b) => [b, b])),
        installedAt: new Date().toISOString(),
      };
      await writeFile(path.join(staging, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
      throwIfAborted(opts.signal, `installing ${what}`);
      await moveIntoPlace(staging, versionDir);
      await activate(layout, component, version);
      await rm(part, { force: true });
      return installed(spec, version, versionDir, marker);
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      if (err instanceof InstallError && err.kind === 'cancelled') await rm(part, { force: true });
      if (err instanceof InstallError && err.kind === 'bad-archive') await rm(part, { force: true });
      throw fsFailure(err, layout.componentDir(component)) ?? err;
    }
  }

  /** The unpacked binary must run here before it may replace anything (wrong architecture, missing libc, …). */
  async function checkRuns(binary: string, what: string): Promise<void> {
    const r = await deps.runner.run(binary, ['--version'], { timeoutMs: 15_000 });
    if (r.code !== 0 || !(parseVersion(r.stdout) ?? parseVersion(r.stderr))) {
      const said = `${r.stderr}\n${r.stdout}`.trim().split('\n').slice(-3).join(' / ');
      throw new InstallError('broken-binary', `${what} does not run on this machine (${path.basename(binary)} --version: ${said || `exit ${r.code}`}); nothing was installed`, 'report it; meanwhile install with Homebrew or Docker');
    }
  }

  return {
    id: 'release',
    layout,
    async available() {
      try {
        const p = deps.platform ?? currentPlatform();
        return { ok: true, detail: `release downloads for ${p.os}/${p.arch} from ${deps.mirror ?? 'github.com'}` };
      } catch (err) {
        const e = err as InstallError;
        return { ok: false, reason: e.message, fix: e.fix };
      }
    },
    supports: (component) => catalog[component] !== undefined,
    install,
    installedVersion: (component) => currentVersion(layout, component),
    async upgradeInfo(component) {
      const spec = catalog[component];
      if (!spec) return null;
      const installedV = await currentVersion(layout, component);
      return { component, source: 'release', installed: installedV, available: spec.version, newer: installedV !== null && isNewer(spec.version, installedV) };
    },
    rollback: (component) => rollback(layout, component),
    confirm: (component) => confirm(layout, component),
  };
}

/** Staging and trash dirs a killed Lookout left behind (this installer holds the component, so none is in use). */
async function sweepLeftovers(componentDir: string): Promise<void> {
  const names = await readdir(componentDir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith('.staging-') || n.startsWith('.trash-')).map((n) => rm(path.join(componentDir, n), { recursive: true, force: true })));
}

/** Rename staging over the version dir; a leftover dir without a marker (a crash mid-install) is replaced. */
async function moveIntoPlace(staging: string, versionDir: string): Promise<void> {
  try {
    await rename(staging, versionDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    const trash = `${path.dirname(staging)}/.trash-${randomBytes(4).toString('hex')}`;
    await rename(versionDir, trash);
    await rename(staging, versionDir);
    await rm(trash, { recursive: true, force: true });
  }
}

function installed(spec: ReleaseSpec, version: string, dir: string, marker: InstallMarker): InstalledComponent {
  return {
    component: spec.component,
    source: 'release',
    version,
    dir,
    binaries: Object.fromEntries(Object.entries(marker.binaries).map(([name, rel]) => [name, path.join(dir, rel)])),
  };
}

const mb = (bytes: number) => `${Math.ceil(bytes / 1024 ** 2)} MB`;
