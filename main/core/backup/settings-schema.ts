/**
 * The `backup` section of settings.json. Scheduled backups are off by default: a daily copy of a TSDB
 * that may hold gigabytes, kept seven times, is a choice the user makes knowing the disk it costs.
 */
import { z } from 'zod';
import { absolutePath } from '../lockdown/settings-schema';

export const backupSettingsSchema = z
  .object({
    /** `daily`: one backup a day (24 h after the newest), then the oldest beyond `keep` are pruned. */
    schedule: z.enum(['daily', 'off']).default('off'),
    /** How many backups `prune` (and the schedule) keeps, newest first. */
    keep: z.number().int().min(1).max(1000).default(7),
    /**
     * Put the secrets dir in the archive, encrypted with a passphrase the user keeps (scrypt + AES-256-GCM).
     * Off: the archive holds no secret at all.
     */
    includeSecrets: z.boolean().default(false),
    /**
     * A file holding the passphrase, for scheduled backups with includeSecrets (keep it outside the Lookout home:
     * a backup and its key in one place protect nothing). Without it scheduled backups leave the secrets out.
     */
    passphraseFile: absolutePath().optional(),
    /** Where archives go; default <home>/backups (0700). */
    dir: absolutePath().optional(),
  })
  .strict()
  .prefault({});

export type BackupSettings = z.output<typeof backupSettingsSchema>;
