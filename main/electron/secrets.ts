import { safeStorage } from 'electron';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SECRET_NAMES, type SecretName } from '../../common/model';
import { createFileSecrets } from '../core/adapters/file-secrets';
import type { Secrets } from '../core/alerts/ports';
import { SECRET_FILES } from '../core/alerts/secret-files';

const encrypted = (secretsDir: string, name: SecretName) => path.join(secretsDir, `${SECRET_FILES[name]}.enc`);

/**
 * Receiver secrets in the menubar app: kept encrypted with Electron's safeStorage (the macOS Keychain
 * holds the key) in `<secret>.enc`. Alertmanager cannot decrypt, so the 0600 plaintext file it reads
 * through `*_file` is written beside it, and re-created from the encrypted copy at start (`restore`)
 * when it went missing.
 */
export function createSafeStorageSecrets(secretsDir: string): Secrets & { restore(): Promise<void> } {
  const files = createFileSecrets(secretsDir);
  const available = () => {
    if (!safeStorage.isEncryptionAvailable()) throw new Error('safeStorage encryption is not available (no keychain); cannot store secrets');
  };
  return {
    async set(name, value) {
      available();
      await mkdir(secretsDir, { recursive: true, mode: 0o700 });
      const file = encrypted(secretsDir, name);
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, safeStorage.encryptString(value), { mode: 0o600 });
      await chmod(temp, 0o600);
      await rename(temp, file);
      await files.set(name, value);
    },
    async clear(name) {
      await rm(encrypted(secretsDir, name), { force: true });
      await files.clear(name);
    },
    status: () => files.status(),
    async restore() {
      if (!safeStorage.isEncryptionAvailable()) return;
      const present = await files.status();
      for (const name of SECRET_NAMES) {
        if (present[name]) continue;
        const blob = await readFile(encrypted(secretsDir, name)).catch(() => null);
        if (blob) await files.set(name, safeStorage.decryptString(blob));
      }
    },
  };
}
