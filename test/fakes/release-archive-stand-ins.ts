import { createHash } from 'node:crypto';
import { access, copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import type { InstallComponentId } from '../../common/install';
import { releaseSpec, type Platform } from '../../main/core/install/release-catalog';

/**
 * Which real binary goes where in an upstream archive. The binaries are Debian's (the packages
 * installed on these machines); inside the archive they carry upstream's names, as promu packs them:
 * Debian's prometheus-alertmanager is `alertmanager`, prometheus-node-exporter is `node_exporter`.
 */
export const DEBIAN_BINARIES: Partial<Record<InstallComponentId, Record<string, string>>> = {
  prometheus: { prometheus: '/usr/bin/prometheus', promtool: '/usr/bin/promtool' },
  alertmanager: { alertmanager: '/usr/bin/prometheus-alertmanager', amtool: '/usr/bin/amtool' },
  node_exporter: { node_exporter: '/usr/bin/prometheus-node-exporter' },
};

/** The Debian packages' own versions, so the archives are named for what is inside them. */
export const DEBIAN_VERSIONS: Partial<Record<InstallComponentId, string>> = { prometheus: '2.42.0', alertmanager: '0.25.0', node_exporter: '1.5.0' };

export interface BuiltRelease {
  component: InstallComponentId;
  version: string;
  archiveName: string;
  /** URL path → bytes, ready for the release server stand-in (archive and sums file). */
  files: Map<string, Buffer>;
  archivePath: string;
  sumsPath: string;
  sha256: string;
}

/**
 * Build an archive in the official layout (`<name>-<ver>.<os>-<arch>/{binaries, LICENSE, NOTICE}`, as
 * promu's tarball command makes it) from the Debian binaries, and the sums file beside it in promu's
 * `<hex>  <file>` format. gzip level 1 by default: the layout is what matters and the tests stay quick
 * (the bench uses 6, gzip's default, for archives the size of real ones).
 * A missing Debian binary fails with its name (the test must not pass without it).
 */
export async function buildRelease(
  workDir: string,
  component: InstallComponentId,
  version: string,
  platform: Platform,
  gzipLevel = 1,
  /** Other files to pack as the binaries (a broken build, for the upgrade tests); default the Debian ones. */
  sources?: Record<string, string>,
): Promise<BuiltRelease> {
  const spec = releaseSpec(component);
  const bins = sources ?? DEBIAN_BINARIES[component];
  if (!bins) throw new Error(`no Debian binary known for ${component}`);
  const top = spec.topDir(version, platform);
  const stage = path.join(workDir, `stage-${component}-${version}`);
  await rm(stage, { recursive: true, force: true });
  await mkdir(path.join(stage, top), { recursive: true });
  for (const [name, source] of Object.entries(bins)) {
    try {
      await access(source);
    } catch {
      throw new Error(`${source} is missing: install the Debian package that provides it (needed to build the ${component} test archive)`);
    }
    await copyFile(source, path.join(stage, top, name));
  }
  await writeFile(path.join(stage, top, 'LICENSE'), 'Apache License 2.0 (stand-in text)\n');
  await writeFile(path.join(stage, top, 'NOTICE'), `${spec.name} (test archive built from the Debian binary)\n`);
  const archiveName = spec.archive(version, platform);
  const archivePath = path.join(workDir, archiveName);
  await tar.c({ gzip: { level: gzipLevel }, file: archivePath, cwd: stage, portable: true }, [top]);
  await rm(stage, { recursive: true, force: true });
  const bytes = await readFile(archivePath);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  // Real sums files list every platform's archive; another line makes the lookup by name matter.
  const otherOs = spec.archive(version, { os: platform.os === 'linux' ? 'darwin' : 'linux', arch: platform.arch });
  const sumsText = `${'0'.repeat(64)}  ${otherOs}\n${sha256}  ${archiveName}\n`;
  const sumsPath = path.join(workDir, `${component}-${version}-${spec.sums(version)}`);
  await writeFile(sumsPath, sumsText);
  const dir = `/${spec.repo}/releases/download/v${version}`;
  return {
    component,
    version,
    archiveName,
    files: new Map([
      [`${dir}/${archiveName}`, bytes],
      [`${dir}/${spec.sums(version)}`, Buffer.from(sumsText)],
    ]),
    archivePath,
    sumsPath,
    sha256,
  };
}
