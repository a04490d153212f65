/**
 * The settings fragments for installs and runtimes, used by settings/schema.ts: `runtimeField` in each
 * `stack.components.<id>` object, `installSettingsSchema` as the top-level `install` section and
 * `dockerSettingsSchema` as `docker`. Every field has a default, so an existing
 * settings file stays valid and behaves exactly as before (native, binaries found as today).
 */
import path from 'node:path';
import { z } from 'zod';
import { isSafeVersion } from './layout';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/;

/**
 * How one component runs:
 * - `native` (default): a binary on this machine: the `binary` setting, Lookout's own install in
 *   `<home>/runtimes/<id>/current`, Homebrew's prefix, then PATH;
 * - `docker`: a container of the `lookout` compose project (Docker Desktop, OrbStack or Colima).
 */
export const runtimeField = z.enum(['native', 'docker']).default('native');

const version = z.string().refine(isSafeVersion, { message: 'must be a release version such as 3.14.0' });

/** `install`: where missing components come from when the user asks Lookout to install them. */
export const installSettingsSchema = z
  .object({
    /**
     * `auto` (default): Homebrew when it is installed and has a formula for the component, otherwise the
     * official release download (always for Jaeger, which has no formula). `brew` or `release` force one.
     */
    source: z.enum(['auto', 'brew', 'release']).default('auto'),
    /**
     * Base URL that replaces https://github.com for release downloads, laid out the same way
     * (`<mirror>/<owner>/<repo>/releases/download/v<version>/<file>`). Must be https, except on this
     * machine (a local mirror): the sums file is only as trustworthy as the connection it came over.
     */
    mirror: z
      .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' })
      .refine(
        (u) => {
          let url: URL;
          try {
            url = new URL(u);
          } catch {
            return true; // already reported by the URL check
          }
          return url.protocol !== 'http:' || LOOPBACK.test(url.hostname);
        },
        { message: 'must be https:// (plain http:// only for a mirror on this machine)' },
      )
      .optional(),
    /** Release versions to install instead of Lookout's pinned ones (release downloads only). */
    versions: z
      .object({ prometheus: version.optional(), alertmanager: version.optional(), node_exporter: version.optional(), jaeger: version.optional() })
      .strict()
      .prefault({}),
    /**
     * After an upgrade, keep the previous version until the new one has run (`running` once), so a
     * failed upgrade can roll back. Off: the old version is removed as soon as the new one is current.
     */
    keepPrevious: z.boolean().default(true),
  })
  .strict()
  .prefault({});

/** `docker`: the Docker runtime's own settings (used only by components with runtime "docker"). */
export const dockerSettingsSchema = z
  .object({
    /** Absolute path of the docker CLI; when unset: /usr/local/bin, /opt/homebrew/bin, ~/.orbstack/bin, Docker.app, PATH. */
    binary: z.string().refine((p) => path.isAbsolute(p), { message: 'must be an absolute path' }).optional(),
    /** Images instead of Lookout's pinned ones (`registry/name:tag`), per component. */
    images: z
      .object({
        prometheus: z.string().regex(/^[\w./-]+(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/, 'must be an image reference such as prom/prometheus:v3.14.0').optional(),
        alertmanager: z.string().regex(/^[\w./-]+(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/, 'must be an image reference').optional(),
        node_exporter: z.string().regex(/^[\w./-]+(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/, 'must be an image reference').optional(),
        grafana: z.string().regex(/^[\w./-]+(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/, 'must be an image reference').optional(),
        jaeger: z.string().regex(/^[\w./-]+(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/, 'must be an image reference').optional(),
      })
      .strict()
      .prefault({}),
    /** How long `docker compose up --wait` waits for every container to be healthy, in seconds. */
    waitTimeoutSeconds: z.number().int().min(10).max(1800).default(180),
  })
  .strict()
  .prefault({});

export type InstallSettings = z.output<typeof installSettingsSchema>;
export type DockerSettings = z.output<typeof dockerSettingsSchema>;
export type RuntimeSetting = z.output<typeof runtimeField>;
