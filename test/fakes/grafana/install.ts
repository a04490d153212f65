import { chmod, copyFile, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const HERE = import.meta.dirname;

/** A Grafana stand-in installed in a temp dir: the binary, a homepath with conf/defaults.ini, and its argv log. */
export interface FakeGrafana {
  binary: string;
  homepath: string;
  /** Every invocation so far (including --version), oldest first. */
  invocations(): Promise<Array<{ argv: string[]; pid: number }>>;
}

/**
 * Install fake-grafana.mjs as `<dir>/bin/<name>` (grafana, or the legacy grafana-server) with the recorded
 * fixtures beside it, and a homepath at `<dir>/share/grafana` (unless `withHomepath` is false).
 */
export async function installFakeGrafana(dir: string, opts: { name?: 'grafana' | 'grafana-server'; withHomepath?: boolean } = {}): Promise<FakeGrafana> {
  const bin = path.join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  const binary = path.join(bin, opts.name ?? 'grafana');
  await copyFile(path.join(HERE, 'fake-grafana.mjs'), binary);
  await chmod(binary, 0o755);
  await cp(path.join(HERE, '..', '..', 'fixtures', 'grafana'), path.join(bin, 'fixtures'), { recursive: true });
  const homepath = path.join(dir, 'share', 'grafana');
  if (opts.withHomepath ?? true) {
    await mkdir(path.join(homepath, 'conf'), { recursive: true });
    await writeFile(path.join(homepath, 'conf', 'defaults.ini'), '; stand-in for Grafana\'s conf/defaults.ini\n');
  }
  return {
    binary,
    homepath,
    async invocations() {
      const text = await readFile(path.join(bin, 'fake-grafana-argv.jsonl'), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { argv: string[]; pid: number });
    },
  };
}
