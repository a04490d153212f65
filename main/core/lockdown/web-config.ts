import { stringify } from 'yaml';

/**
 * The exporter-toolkit web config (Prometheus ≥ 2.24, Alertmanager ≥ 0.22, node_exporter ≥ 1.0, all
 * through `--web.config.file`): users and their bcrypt hashes. Pure. With any user listed, every path
 * — /metrics, /-/ready, the APIs — needs one of them.
 */
export function renderWebConfig(users: Record<string, string>): string {
  return `# Written by Lookout: bcrypt hashes of the stack password (secrets/stack-password). Edits are replaced.\n${stringify({ basic_auth_users: users })}`;
}
