import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
const probes: string[] = [];

/** Cruise one probe file with the project's rules; the rule names it breaks. */
async function violations(relative: string, source: string): Promise<string[]> {
  const file = path.join(ROOT, relative);
  probes.push(file);
  await writeFile(file, source);
  const { stdout } = await run(process.execPath, [path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'), '--config', '.dependency-cruiser.cjs', '--output-type', 'json', relative], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  const report = JSON.parse(stdout) as { summary: { violations: Array<{ rule: { name: string }; from: string }> } };
  return report.summary.violations.filter((v) => v.from === relative).map((v) => v.rule.name);
}

afterEach(async () => {
  await Promise.all(probes.splice(0).map((f) => rm(f, { force: true })));
});

describe('layering (dependency-cruiser on resolved paths)', () => {
  it('refuses a core module reaching a shell through a deep relative path', async () => {
    const probe = `main/core/metrics/collectors/layering-probe-${process.pid}.ts`;
    expect(await violations(probe, "import { startServer } from '../../../server/http';\nexport const probe = startServer;\n")).toContain('core-is-plain-node');
  });

  it('refuses it through a dynamic import() too', async () => {
    const probe = `main/core/metrics/layering-probe-dynamic-${process.pid}.ts`;
    expect(await violations(probe, "export const probe = () => import('../../electron/tray');\n")).toContain('core-is-plain-node');
  });

  it('refuses Node in the renderer and main/ in the contract', async () => {
    expect(await violations(`renderer/layering-probe-${process.pid}.ts`, "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n")).toContain('renderer-no-node-builtins');
    expect(await violations(`common/layering-probe-${process.pid}.ts`, "import type { Paths } from '../main/core/paths';\nexport type Probe = Paths;\n")).toContain('common-imports-nothing');
  });

  it('refuses electron and react in the core by package, not by spelling', async () => {
    expect(await violations(`main/core/layering-probe-pkg-${process.pid}.ts`, "import { useState } from 'react';\nexport const probe = useState;\n")).toContain('core-is-plain-node');
  });

  it('keeps the Electron shell a client of its core: it forks main/core-host and never starts a core of its own', async () => {
    expect(await violations(`main/electron/layering-probe-${process.pid}.ts`, "import { startLookout } from '../index';\nexport const probe = startLookout;\n")).toContain('shell-is-a-client-of-its-core');
  });

  it('keeps Electron out of the core host', async () => {
    // A utilityProcess has no Electron main-process API: what only Electron can do goes over the parent port.
    expect(await violations(`main/core-host/layering-probe-${process.pid}.ts`, "import { safeStorage } from 'electron';\nexport const probe = safeStorage;\n")).toContain('core-host-has-no-electron');
  });

  it('accepts the same import where the layers allow it', async () => {
    expect(await violations(`main/layering-probe-${process.pid}.ts`, "import { startServer } from './server/http';\nexport const probe = startServer;\n")).toEqual([]);
  });
});
