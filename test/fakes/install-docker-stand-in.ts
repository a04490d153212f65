import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const HERE = import.meta.dirname;

export interface DockerConfig {
  /** `engine`: `up <service>` runs the service's prom/* image as the Debian binary (docker-stand-in-engine.mjs). */
  scenario: 'ok' | 'daemon-down' | 'unhealthy' | 'crash' | 'engine';
  composeVersion: string;
  context: string;
  operatingSystem: string;
}

/** The docker stand-in installed as `<dir>/bin/docker`, its project state, and what it was asked. */
export interface DockerStandIn {
  binDir: string;
  docker: string;
  configure(c: Partial<DockerConfig>): Promise<void>;
  state(): Promise<{ up: boolean; services: Array<{ name: string }>; volumes: string[] }>;
  invocations(): Promise<string[][]>;
}

export async function installDockerStandIn(dir: string, config: Partial<DockerConfig> = {}): Promise<DockerStandIn> {
  const binDir = path.join(dir, 'bin');
  await mkdir(binDir, { recursive: true });
  const docker = path.join(binDir, 'docker');
  // A shim rather than a copy: the stand-in runs from the repo, so it can import its engine module and yaml.
  await writeFile(docker, `#!/bin/sh\nDOCKER_STAND_IN_DIR='${binDir}' exec '${process.execPath}' '${path.join(HERE, 'docker-stand-in.mjs')}' "$@"\n`);
  await chmod(docker, 0o755);
  let current: DockerConfig = { scenario: 'ok', composeVersion: '2.39.1', context: 'desktop-linux', operatingSystem: 'Docker Desktop', ...config };
  const write = () => writeFile(path.join(binDir, 'docker-stand-in.json'), JSON.stringify(current));
  await write();
  return {
    binDir,
    docker,
    async configure(c) {
      current = { ...current, ...c };
      await write();
    },
    async state() {
      return JSON.parse(await readFile(path.join(binDir, 'docker-stand-in-state.json'), 'utf8').catch(() => '{"up":false,"services":[],"volumes":[]}'));
    },
    async invocations() {
      const text = await readFile(path.join(binDir, 'docker-invocations.jsonl'), 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { argv: string[] }).argv);
    },
  };
}
