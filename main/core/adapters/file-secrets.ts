import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import { SECRET_NAMES, type SecretName, type SecretsStatus } from '../../../common/model';
import type { Secrets } from '../alerts/ports';
import { secretFile } from '../alerts/secret-files';
import { writeFileAtomic } from '../atomic-write';

/**
 * Secrets as 0600 files in a 0700 directory (browser mode). Alertmanager reads these very files via
 * `*_file` options, so there is no second copy. Written through a temp file and a rename, so
 * Alertmanager never reads half a secret.
 */
export function createFileSecrets(secretsDir: string): Secrets {
  async function ensureDir(): Promise<void> {
    await mkdir(secretsDir, { recursive: true, mode: 0o700 });
    // mkdir's mode is masked by umask and ignored for an existing dir.
    await chmod(secretsDir, 0o700);
  }

  return {
    async set(name, value) {
      await ensureDir();
      const file = secretFile(secretsDir, name);
      // No trailing newline: Alertmanager uses file contents as they are (a URL, a password, a header value).
      await writeFileAtomic(file, value);
    },
    async clear(name) {
      await rm(secretFile(secretsDir, name), { force: true });
    },
    async status() {
      const entries = await Promise.all(
        SECRET_NAMES.map(async (name): Promise<[SecretName, boolean]> => [name, await isNonEmptyFile(secretFile(secretsDir, name))]),
      );
      return Object.fromEntries(entries) as SecretsStatus;
    },
  };
}

async function isNonEmptyFile(file: string): Promise<boolean> {
  try {
    const s = await stat(file);
    return s.isFile() && s.size > 0;
  } catch {
    return false;
  }
}
