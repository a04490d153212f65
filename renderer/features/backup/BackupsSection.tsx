import { useEffect, useState } from 'react';
import type { BackupPart, BackupSummary } from '../../../common/backup';
import type { Api } from '../../../common/ipc';
import { formatBytes } from '../../lib/format';
import { Button } from '../../ui/Button';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { useBackupStore } from './useBackupStore';
import './backup.css';

/** The backup's secrets need at least this many characters (main/core/backup/secrets-crypto.ts). */
const MIN_PASSPHRASE = 8;
const DEFAULT_KEEP = 7;

/** "2026-12-03 08:00 UTC" from the manifest's ISO time; the same on every machine. */
export function formatCreated(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

const PART_NAMES: Record<string, string> = { settings: 'settings', stack: 'configs', prometheus: 'metrics', grafana: 'Grafana', telemetry: 'traces & logs', secrets: 'secrets' };

function partLabel(name: string, part: BackupPart): string {
  const label = PART_NAMES[name] ?? name;
  if (!part.included) return label;
  if (name === 'prometheus' && typeof part.samples === 'number') return `${label} (${part.samples.toLocaleString('en-US')} samples)`;
  if (name === 'secrets') return `${label} (encrypted)`;
  return label;
}

/** What a backup holds, and what it left out with the reason (in the title). */
export function describeContents(contents: BackupSummary['contents']): { holds: string; leftOut: string } {
  const entries = Object.entries(contents);
  return {
    holds: entries.filter(([, p]) => p.included).map(([n, p]) => partLabel(n, p)).join(', ') || 'nothing',
    leftOut: entries.filter(([, p]) => !p.included).map(([n, p]) => `${PART_NAMES[n] ?? n}: ${(p as { reason: string }).reason}`).join('\n'),
  };
}

/** Settings → Backups: the list, Back up now (secrets only with a passphrase), Restore with a confirm step, Prune. */
export function BackupsSection({ api }: { api: Api }) {
  const list = useBackupStore((s) => s.list);
  const busy = useBackupStore((s) => s.busy);
  const error = useBackupStore((s) => s.error);
  const created = useBackupStore((s) => s.created);
  const restored = useBackupStore((s) => s.restored);
  const pruned = useBackupStore((s) => s.pruned);
  const load = useBackupStore((s) => s.load);
  const create = useBackupStore((s) => s.create);
  const restore = useBackupStore((s) => s.restore);
  const prune = useBackupStore((s) => s.prune);
  const dismiss = useBackupStore((s) => s.dismiss);
  useEffect(() => void load(api), [api, load]);

  const [includeSecrets, setIncludeSecrets] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [confirming, setConfirming] = useState<string | null>(null);
  const [restorePassphrase, setRestorePassphrase] = useState('');
  const [keep, setKeep] = useState(DEFAULT_KEEP);
  const [confirmPrune, setConfirmPrune] = useState(false);

  const passphraseShort = includeSecrets && passphrase.length < MIN_PASSPHRASE;
  const backups = list?.backups ?? [];
  const toDelete = Math.max(0, backups.length - keep);

  async function backUpNow() {
    if (await create(api, { includeSecrets, passphrase: includeSecrets ? passphrase : undefined })) setPassphrase('');
  }

  async function confirmRestore(id: string) {
    await restore(api, id, restorePassphrase || undefined);
    setConfirming(null);
    setRestorePassphrase('');
  }

  return (
    <section className="field-group backups" aria-labelledby="backups-title">
      <h2 id="backups-title">Backups</h2>
      {list && (
        <p className="muted">
          In {list.dir}. {list.nextScheduledAt ? `Next scheduled backup ${formatCreated(new Date(list.nextScheduledAt).toISOString())}.` : 'No scheduled backups.'}
        </p>
      )}

      <form
        className="backup-create"
        onSubmit={(e) => {
          e.preventDefault();
          void backUpNow();
        }}
      >
        <label className="field-checkbox">
          <input type="checkbox" checked={includeSecrets} onChange={(e) => setIncludeSecrets(e.target.checked)} /> Include secrets (encrypted with a passphrase you keep)
        </label>
        {includeSecrets && (
          <div className="field">
            <label htmlFor="backup-passphrase">Passphrase</label>
            <input id="backup-passphrase" type="password" autoComplete="new-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} aria-describedby="backup-passphrase-hint" />
            <span id="backup-passphrase-hint" className="muted">
              At least {MIN_PASSPHRASE} characters; without it the secrets cannot be restored.
            </span>
          </div>
        )}
        <Button type="submit" variant="primary" disabled={busy !== null || passphraseShort}>
          {busy === 'create' ? 'Backing up…' : 'Back up now'}
        </Button>
      </form>

      {error && <ErrorBanner message={error} onDismiss={dismiss} />}
      {created && (
        <p role="status" className="backup-result">
          Backed up {created.id} ({formatBytes(created.sizeBytes)}): {describeContents(created.contents).holds}.
        </p>
      )}
      {restored && (
        <div role="status" className="backup-result">
          <p>
            Restored {restored.id} in {(restored.durationMs / 1000).toFixed(1)} s: {restored.restored.join(', ') || 'nothing'}.
          </p>
          {restored.verified && (
            <p>
              Prometheus has {restored.verified.series.toLocaleString('en-US')} of {restored.verified.expected.toLocaleString('en-US')} series.
            </p>
          )}
          {restored.skipped.length > 0 && (
            <ul>
              {restored.skipped.map((s) => (
                <li key={s.what}>
                  Skipped {s.what}: {s.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {pruned && (
        <p role="status" className="backup-result">
          Deleted {pruned.deleted.length} backup{pruned.deleted.length === 1 ? '' : 's'}, kept {pruned.kept.length}.
        </p>
      )}

      {!list ? (
        !error && <p className="muted">Loading backups…</p>
      ) : backups.length === 0 && list.unreadable.length === 0 ? (
        <p className="muted">No backups yet.</p>
      ) : (
        <ul className="backup-list" aria-label="Backups">
          {backups.map((b) => {
            const { holds, leftOut } = describeContents(b.contents);
            const secrets = b.contents.secrets?.included === true;
            return (
              <li key={b.id} className="backup" aria-label={b.id}>
                <div className="backup-main">
                  <time dateTime={b.created}>{formatCreated(b.created)}</time>
                  <span className="backup-size">{formatBytes(b.sizeBytes)}</span>
                  <span className="backup-holds" title={leftOut || undefined}>
                    {holds}
                  </span>
                  {confirming !== b.id && (
                    <Button aria-label={`Restore ${b.id}`} disabled={busy !== null} onClick={() => setConfirming(b.id)}>
                      Restore
                    </Button>
                  )}
                </div>
                {confirming === b.id && (
                  <div className="backup-confirm" role="group" aria-label={`Confirm restoring ${b.id}`}>
                    <p>
                      Replace the current metrics, settings, configs and Grafana data with this backup from {formatCreated(b.created)}? The stack stops
                      while it is put in place; if it fails, the current state is put back.
                    </p>
                    {secrets && (
                      <div className="field">
                        <label htmlFor={`restore-passphrase-${b.id}`}>Passphrase for the secrets</label>
                        <input id={`restore-passphrase-${b.id}`} type="password" autoComplete="off" value={restorePassphrase} onChange={(e) => setRestorePassphrase(e.target.value)} />
                        <span className="muted">Leave empty to keep the current secrets.</span>
                      </div>
                    )}
                    <Button variant="primary" disabled={busy !== null} onClick={() => void confirmRestore(b.id)}>
                      {busy === 'restore' ? 'Restoring…' : 'Restore now'}
                    </Button>
                    <Button
                      disabled={busy === 'restore'}
                      onClick={() => {
                        setConfirming(null);
                        setRestorePassphrase('');
                      }}
                    >
                      Cancel
                    </Button>
                  </div>
                )}
              </li>
            );
          })}
          {list.unreadable.map((u) => (
            <li key={u.id} className="backup" aria-label={u.id}>
              <div className="backup-main">
                <span>{u.id}</span>
                <span className="backup-size">{formatBytes(u.sizeBytes)}</span>
                <span className="component-error">unreadable: {u.error}</span>
              </div>
            </li>
          ))}
        </ul>
      )}

      <div className="backup-prune">
        <label className="field">
          Keep the newest
          <input
            type="number"
            min={1}
            step={1}
            value={keep}
            onChange={(e) => {
              setKeep(Math.max(1, Math.floor(Number(e.target.value) || 1)));
              setConfirmPrune(false);
            }}
          />
        </label>
        {confirmPrune ? (
          <>
            <Button
              variant="primary"
              disabled={busy !== null}
              onClick={() => {
                setConfirmPrune(false);
                void prune(api, keep);
              }}
            >
              Delete {toDelete} older backup{toDelete === 1 ? '' : 's'}
            </Button>
            <Button onClick={() => setConfirmPrune(false)}>Cancel</Button>
          </>
        ) : (
          <Button disabled={busy !== null || toDelete === 0} onClick={() => setConfirmPrune(true)}>
            Prune
          </Button>
        )}
      </div>
    </section>
  );
}
