import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '..');

/** What `npm run dist` will be asked for: checked here because the build itself needs a Mac. */
describe('electron-builder.yml', () => {
  it('packs a macOS arm64 dmg and zip: hardened, menubar-only, with its entitlements and app icon', async () => {
    const config = parse(await readFile(path.join(ROOT, 'electron-builder.yml'), 'utf8'));
    const mac = config.mac;
    expect(mac.target).toEqual([{ target: 'dmg', arch: ['arm64'] }, { target: 'zip', arch: ['arm64'] }]);
    expect(mac.hardenedRuntime).toBe(true);
    expect(mac.extendInfo.LSUIElement).toBe(true);

    const entitlements = await readFile(path.join(ROOT, mac.entitlements), 'utf8');
    for (const key of ['com.apple.security.cs.allow-jit', 'com.apple.security.network.server']) expect(entitlements).toMatch(new RegExp(`<key>${key}</key>\\s*<true/>`));
    expect(mac.entitlementsInherit).toBe(mac.entitlements);

    // electron-builder needs a PNG of at least 512×512 to make the .icns: read the IHDR size.
    const icon = await readFile(path.join(ROOT, mac.icon));
    expect(icon.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([1024, 1024]);
    // Only the built app goes in, without source maps.
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'package.json', '!**/*.map']));
    // The fuses close the ways to run other code inside the signed app.
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
  });

  it('packs only what the app runs: the UI libraries are bundled into dist/renderer, so they are build dependencies', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const bundled of ['react', 'react-dom', 'zustand', '@grafana/grafana-foundation-sdk']) {
      expect(pkg.dependencies[bundled], bundled).toBeUndefined();
      expect(pkg.devDependencies[bundled], bundled).toBeDefined();
    }
  });
});
