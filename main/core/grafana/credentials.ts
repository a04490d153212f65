import { readFile } from 'node:fs/promises';
import type { GrafanaCredentials } from '../../../common/model';
import type { Paths } from '../paths';
import { ensureTokenFile } from '../secrets';
import type { Settings } from '../settings/schema';
import { componentUrl } from '../stack/component-spec';
import { GRAFANA_ADMIN_USER, grafanaSecretFiles } from './secret-files';

/**
 * Create Grafana's admin password and secret_key once per home (32 random bytes each, 0600 files in the
 * 0700 secrets dir) and keep them: Grafana stores the admin password in its database on first start and
 * encrypts with the key, so regenerating either would lock the user out of their own data.
 */
export async function ensureGrafanaSecrets(paths: Pick<Paths, 'secretsDir'>): Promise<void> {
  const files = grafanaSecretFiles(paths);
  await ensureTokenFile(files.adminPassword);
  await ensureTokenFile(files.secretKey);
}

/**
 * The admin login for the UI's "copy password" action: the only secret the API hands out (behind the API
 * token in browser mode, the sender check in Electron). Creates the secrets if nothing has yet.
 */
export async function grafanaCredentials(paths: Pick<Paths, 'secretsDir'>, settings: Settings): Promise<GrafanaCredentials> {
  await ensureGrafanaSecrets(paths);
  const password = (await readFile(grafanaSecretFiles(paths).adminPassword, 'utf8')).trim();
  return { user: GRAFANA_ADMIN_USER, password, url: `${componentUrl(settings, 'grafana')}/login` };
}
