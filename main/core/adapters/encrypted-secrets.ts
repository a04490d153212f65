import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SECRET_NAMES, type SecretName } from '../../../common/model';
import type { SecretCipher, Secrets } from '../alerts/ports';
import { SECRET_FILES } from '../alerts/secret-files';
import { createFileSecrets } from './file-secrets';

const encrypted = (secretsDir: string, name: SecretName) => path.join(secretsDir, `${SECRET_FILES[name]}.enc`);

/**
 * Receiver secrets in the menubar app: kept encrypted (`<secret>.enc`) with a cipher the core cannot hold
 * itself — Electron's safeStorage, whose key the macOS Keychain keeps, reached through the shell.
 * Alertmanager cannot decrypt, so the 0600 plaintext file it reads through `*_file` is written beside it,
 * and re-created from the encrypted copy at start (`restore`) when it went missing.
 */
export function createEncryptedSecrets(secretsDir: string, cipher: SecretCipher): Secrets & { restore(): Promise<void> } {
  const files = createFileSecrets(secretsDir);
  return {
    async set(name, value) {
      if (!(await cipher.available())) throw new Error('safeStorage encryption is not available (no keychain); cannot store secrets');
      const blob = await cipher.encrypt(value);
      await mkdir(secretsDir, { recursive: true, mode: 0o700 });
      const file = encrypted(secretsDir, name);
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, blob, { mode: 0o600 });
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
      if (!(await cipher.available())) return;
      const present = await files.status();
      for (const name of SECRET_NAMES) {
        if (present[name]) continue;
        const blob = await readFile(encrypted(secretsDir, name)).catch(() => null);
        if (blob) await files.set(name, await cipher.decrypt(blob));
      }
    },
  };
}
