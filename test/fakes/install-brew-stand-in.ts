import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const HERE = import.meta.dirname;

export type BrewScenario = 'ok' | 'offline' | 'hang';

/** The brew stand-in installed as `<dir>/bin/brew`, its prefix, and what it was asked to do. */
export interface BrewStandIn {
  binDir: string;
  brew: string;
  prefix: string;
  setScenario(scenario: BrewScenario): Promise<void>;
  /** Pretend an older keg is installed and linked (what `brew info` then reports). */
  seedInstalled(formula: string, version: string): Promise<void>;
  invocations(): Promise<Array<{ argv: string[]; pid: number }>>;
}

/** Install test/fakes/brew-stand-in.mjs as `<dir>/bin/brew` with its prefix at `<dir>/prefix`. */
export async function installBrewStandIn(dir: string, scenario: BrewScenario = 'ok'): Promise<BrewStandIn> {
  const binDir = path.join(dir, 'bin');
  const prefix = path.join(dir, 'prefix');
  await mkdir(binDir, { recursive: true });
  await mkdir(prefix, { recursive: true });
  const brew = path.join(binDir, 'brew');
  await copyFile(path.join(HERE, 'brew-stand-in.mjs'), brew);
  await chmod(brew, 0o755);
  const setScenario = (s: BrewScenario) => writeFile(path.join(binDir, 'brew-stand-in.json'), JSON.stringify({ prefix, scenario: s }));
  await setScenario(scenario);
  return {
    binDir,
    brew,
    prefix,
    setScenario,
    async seedInstalled(formula, version) {
      const state = path.join(prefix, 'stand-in-installed.json');
      const current = JSON.parse(await readFile(state, 'utf8').catch(() => '{}')) as Record<string, string>;
      await writeFile(state, JSON.stringify({ ...current, [formula]: version }));
    },
    async invocations() {
      const text = await readFile(path.join(binDir, 'brew-invocations.jsonl'), 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { argv: string[]; pid: number });
    },
  };
}
