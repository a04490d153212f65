import { z } from 'zod';

/** One part of a backup: in the archive (with what Lookout knows of it), or left out and why. */
const part = <T extends z.ZodRawShape>(shape: T) =>
  z.discriminatedUnion('included', [z.object({ included: z.literal(true), ...shape }).strict(), z.object({ included: z.literal(false), reason: z.string() }).strict()]);

export const manifestSchema = z
  .object({
    format: z.literal('lookout-backup'),
    version: z.literal(1),
    id: z.string(),
    /** ISO 8601, UTC. */
    created: z.string(),
    lookoutVersion: z.string(),
    contents: z
      .object({
        settings: part({}),
        /** The rendered configs, for reference: a restore renders them again from the restored settings. */
        stack: part({ files: z.number().int() }),
        prometheus: part({
          /** How the TSDB was captured: Prometheus' snapshot API, or a copy of a stopped Prometheus' data dir. */
          method: z.enum(['snapshot-api', 'copy-of-stopped']),
          blocks: z.number().int(),
          /** Sum of the blocks' meta.json numSamples. */
          samples: z.number().int(),
          /** Earliest and latest sample, epoch ms (from the blocks' meta.json). */
          minTime: z.number().nullable(),
          maxTime: z.number().nullable(),
          /**
           * Series with samples in [verify.start, verify.end] (epoch ms) as the running Prometheus counted them right
           * after the snapshot; a restore checks the restored Prometheus counts the same. null when no Prometheus
           * was running to count them.
           */
          verify: z.object({ start: z.number(), end: z.number(), series: z.number().int() }).nullable(),
        }),
        grafana: part({}),
        telemetry: part({ files: z.array(z.string()) }),
        secrets: part({ encryption: z.literal('scrypt+aes-256-gcm'), files: z.array(z.string()) }),
      })
      .strict(),
    /** Every file in the archive but this manifest, with its size and sha256 (hex). */
    files: z.array(z.object({ path: z.string(), size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict()),
  })
  .strict();

export type Manifest = z.output<typeof manifestSchema>;
export type ManifestContents = Manifest['contents'];

export const MANIFEST_FILE = 'manifest.json';

/** Backup ids: the UTC time they were made and 4 random hex digits (two in one second stay apart). */
export const BACKUP_ID = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/;

/** The archive file name of an id. */
export const archiveName = (id: string): string => `lookout-${id}.tar.gz`;
export const idOfArchive = (name: string): string | null => {
  const m = /^lookout-(.+)\.tar\.gz$/.exec(name);
  return m && BACKUP_ID.test(m[1]!) ? m[1]! : null;
};
