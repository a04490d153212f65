import type { InstallComponentId } from '../../../common/install';
import { InstallError } from './errors';

/** An OS/architecture pair as release archives name it (Go's GOOS/GOARCH). */
export interface Platform {
  os: 'darwin' | 'linux';
  arch: 'arm64' | 'amd64';
}

/** This machine's platform, or an `unsupported-platform` error (Windows, 32-bit, …). */
export function currentPlatform(platform: NodeJS.Platform = process.platform, arch: string = process.arch): Platform {
  const os = platform === 'darwin' || platform === 'linux' ? platform : null;
  const goarch = arch === 'arm64' ? 'arm64' : arch === 'x64' ? 'amd64' : null;
  if (!os || !goarch) {
    throw new InstallError('unsupported-platform', `no official release archive for ${platform}/${arch}`, 'use Docker (runtime "docker") or install the component by hand');
  }
  return { os, arch: goarch };
}

/**
 * How one project publishes its releases. Verified against the projects' own release tooling, not guessed:
 * - Prometheus, Alertmanager, node_exporter use promu (github.com/prometheus/promu, cmd/tarball.go and
 *   cmd/checksum.go): `<name>-<ver>.<os>-<arch>.tar.gz` unpacking to `<name>-<ver>.<os>-<arch>/`, and
 *   `sha256sums.txt` with lines `<hex>  <file>` beside the archives.
 * - Jaeger v2 (github.com/jaegertracing/jaeger, scripts/build/package-deploy.sh): `jaeger-<ver>-<os>-<arch>.tar.gz`
 *   unpacking to `jaeger-<ver>-<os>-<arch>/{jaeger,example-hotrod}`, and `jaeger-<ver>.sha256sum.txt` written by
 *   `shasum -b -a 256`, so its lines read `<hex> *<file>`.
 * - Grafana is not here: since 12.x its archives are named `grafana_<ver>_<ci-build-id>_<os>_<arch>.tar.gz` on
 *   dl.grafana.com (the build id cannot be derived from the version) and no sums file beside them could be
 *   confirmed, so Grafana installs through Homebrew or Docker.
 */
export interface ReleaseSpec {
  component: InstallComponentId;
  name: string;
  /** The version Lookout installs by default: a published release, pinned. */
  version: string;
  /** GitHub owner/repo: downloads are `<base>/<repo>/releases/download/v<ver>/<file>`, base https://github.com or the mirror. */
  repo: string;
  archive(version: string, p: Platform): string;
  sums(version: string): string;
  /** The one top-level directory the archive unpacks to. */
  topDir(version: string, p: Platform): string;
  /** Binaries inside topDir that must be present and executable; the first is the component itself. */
  binaries: string[];
}

const promu = (component: InstallComponentId, name: string, repo: string, version: string, binaries: string[]): ReleaseSpec => ({
  component,
  name,
  version,
  repo,
  archive: (v, p) => `${component}-${v}.${p.os}-${p.arch}.tar.gz`,
  sums: () => 'sha256sums.txt',
  topDir: (v, p) => `${component}-${v}.${p.os}-${p.arch}`,
  binaries,
});

/**
 * Pinned versions: the newest stable tags in the upstream repositories as of August 2026 (prometheus v3.14.0
 * 2026-08-17, alertmanager v0.34.0 2026-08-16, node_exporter v1.12.1 2026-07-14, jaeger v2.20.0 2026-07-19).
 */
export const RELEASES: Partial<Record<InstallComponentId, ReleaseSpec>> = {
  prometheus: promu('prometheus', 'Prometheus', 'prometheus/prometheus', '3.14.0', ['prometheus', 'promtool']),
  alertmanager: promu('alertmanager', 'Alertmanager', 'prometheus/alertmanager', '0.34.0', ['alertmanager', 'amtool']),
  node_exporter: promu('node_exporter', 'node_exporter', 'prometheus/node_exporter', '1.12.1', ['node_exporter']),
  jaeger: {
    component: 'jaeger',
    name: 'Jaeger',
    version: '2.20.0',
    repo: 'jaegertracing/jaeger',
    archive: (v, p) => `jaeger-${v}-${p.os}-${p.arch}.tar.gz`,
    sums: (v) => `jaeger-${v}.sha256sum.txt`,
    topDir: (v, p) => `jaeger-${v}-${p.os}-${p.arch}`,
    binaries: ['jaeger'],
  },
};

/** GitHub, where every project in RELEASES publishes. */
export const DEFAULT_RELEASE_BASE = 'https://github.com';

/** The release spec of a component, or a clear error for one without release downloads (Grafana). */
export function releaseSpec(component: InstallComponentId, catalog = RELEASES): ReleaseSpec {
  const spec = catalog[component];
  if (!spec) {
    throw new InstallError('not-published', `${component} has no release download Lookout can verify`, `install it with Homebrew (brew install ${component}) or run it in Docker`);
  }
  return spec;
}

/** URLs of one release's archive and sums file, under the GitHub base or a mirror laid out the same way. */
export function releaseUrls(spec: ReleaseSpec, version: string, p: Platform, base = DEFAULT_RELEASE_BASE): { archive: string; sums: string; archiveName: string } {
  const dir = `${base.replace(/\/+$/, '')}/${spec.repo}/releases/download/v${version}`;
  const archiveName = spec.archive(version, p);
  return { archive: `${dir}/${archiveName}`, sums: `${dir}/${spec.sums(version)}`, archiveName };
}
