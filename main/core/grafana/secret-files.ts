import path from 'node:path';
import type { Paths } from '../paths';

/** Grafana's admin login. The password is random per install; the user copies it from Lookout. */
export const GRAFANA_ADMIN_USER = 'admin';

/**
 * The two secrets grafana.ini needs, as 0600 files under $LOOKOUT_HOME/secrets. grafana.ini names them with
 * Grafana's `$__file{…}` expansion, so the rendered config itself holds no secret.
 */
export function grafanaSecretFiles(paths: Pick<Paths, 'secretsDir'>): { adminPassword: string; secretKey: string } {
  return {
    adminPassword: path.join(paths.secretsDir, 'grafana-admin-password'),
    // Grafana encrypts datasource secrets with it: it must stay the same for the life of data/grafana.
    secretKey: path.join(paths.secretsDir, 'grafana-secret-key'),
  };
}
