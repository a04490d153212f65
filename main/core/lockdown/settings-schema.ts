/**
 * `stack.lockdown`: basic auth in front of Prometheus, Alertmanager and node_exporter (their
 * `--web.config.file`), so a stray local process or a web page that rebinds a host name to 127.0.0.1
 * gets 401. On by default; the password is generated and kept in secrets/, never in settings.
 */
import { z } from 'zod';

export const lockdownSettingsSchema = z
  .object({
    /** Off: the components answer anyone who can reach 127.0.0.1, and Prometheus' admin API (TSDB snapshots for backups) stays off. */
    enabled: z.boolean().default(true),
  })
  .strict()
  .prefault({});

/** A path setting that must be absolute: settings are read by processes whose working directory is not the user's. */
export const absolutePath = () => z.string().refine((p) => p.startsWith('/'), { message: 'must be an absolute path' });

/**
 * A credential file: absolute, and without `$`, `{` or `}`, because Grafana's datasource provisioning
 * names it in a `$__file{…}` reference, where those characters would be expanded or end the reference.
 */
export const credentialFile = () =>
  absolutePath().refine((p) => !/[${}]/.test(p), { message: 'must not contain $, { or } (Grafana reads it through $__file{…})' });

/**
 * How Lookout authenticates to a component it attaches to (or a remote-write target): a user name and a
 * password file, or a bearer token file. Files, never values: settings.json is not a secret store.
 */
export const fileCredentialsShape = {
  /** Basic-auth user name; needs passwordFile. */
  username: z.string().min(1).optional(),
  /** Absolute path of a file holding the basic-auth password (its content is trimmed, as Prometheus does). */
  passwordFile: credentialFile().optional(),
  /** Absolute path of a file holding a bearer token. */
  bearerTokenFile: credentialFile().optional(),
};

/** username and passwordFile come together, and not with a bearer token. */
export function checkFileCredentials(c: { username?: string; passwordFile?: string; bearerTokenFile?: string }, ctx: z.RefinementCtx): void {
  if (c.username !== undefined && c.passwordFile === undefined) ctx.addIssue({ code: 'custom', path: ['passwordFile'], message: 'is needed with username' });
  if (c.passwordFile !== undefined && c.username === undefined) ctx.addIssue({ code: 'custom', path: ['username'], message: 'is needed with passwordFile' });
  if (c.bearerTokenFile !== undefined && c.username !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['bearerTokenFile'], message: 'cannot be combined with username/passwordFile: choose one' });
  }
}

/**
 * `stack.components.{prometheus,alertmanager}.attach`: use an existing server at this URL instead of
 * supervising one. Lookout then neither starts nor stops it; it probes it for its state, and its
 * clients, links and Grafana's datasource use this URL.
 */
export const attachSchema = z
  .object({
    /** Base URL, e.g. http://127.0.0.1:9090 or https://prometheus.example.org/prom (a path prefix is kept). */
    url: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL such as http://127.0.0.1:9090' }),
    ...fileCredentialsShape,
  })
  .strict()
  .superRefine(checkFileCredentials);

export type AttachSettings = z.output<typeof attachSchema>;
