import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupList, BackupSummary } from '../../../common/backup';
import { fakeApi } from '../../../test/fakes/fake-api';
import { BackupsSection } from './BackupsSection';
import { resetBackupStore } from './useBackupStore';

const withSecrets: BackupSummary = {
  id: '20261203T080000Z-ab12',
  file: '/home/backups/20261203T080000Z-ab12.tar.gz',
  created: '2026-12-03T08:00:00.000Z',
  sizeBytes: 5 * 1024 * 1024,
  lookoutVersion: '0.9.0',
  contents: {
    settings: { included: true },
    prometheus: { included: true, method: 'snapshot-api', blocks: 2, samples: 1234567 },
    grafana: { included: false, reason: 'no Grafana database (/home/data/grafana/grafana.db)' },
    secrets: { included: true, encryption: 'scrypt+aes-256-gcm', files: ['slack-webhook'] },
  },
};
const older: BackupSummary = { ...withSecrets, id: '20261202T080000Z-cd34', created: '2026-12-02T08:00:00.000Z', sizeBytes: 2048, contents: { settings: { included: true }, secrets: { included: false, reason: 'excluded (backup.includeSecrets is off)' } } };
const oldest: BackupSummary = { ...older, id: '20261201T080000Z-ef56', created: '2026-12-01T08:00:00.000Z' };

const list = (backups: BackupSummary[]): BackupList => ({ dir: '/home/backups', backups, unreadable: [{ id: '20261130T080000Z-0000', file: 'x', sizeBytes: 10, error: 'checksum mismatch in manifest' }], nextScheduledAt: null });
const flush = () => act(async () => new Promise((r) => setTimeout(r, 0)));

beforeEach(resetBackupStore);
afterEach(cleanup);

describe('BackupsSection', () => {
  it('lists each backup with its time, size and what it holds, and the unreadable ones', async () => {
    const fake = fakeApi({ 'backup:list': () => list([withSecrets, older]) });
    render(<BackupsSection api={fake.api} />);
    await flush();
    const item = screen.getByRole('listitem', { name: withSecrets.id });
    expect(within(item).getByText('2026-12-03 08:00 UTC')).toBeTruthy();
    expect(within(item).getByText('5.0 MB')).toBeTruthy();
    const holds = within(item).getByText('settings, metrics (1,234,567 samples), secrets (encrypted)');
    expect(holds.getAttribute('title')).toContain('Grafana: no Grafana database');
    expect(within(screen.getByRole('listitem', { name: '20261130T080000Z-0000' })).getByText(/unreadable: checksum mismatch/)).toBeTruthy();
  });

  it('backs up with secrets only once a passphrase of 8+ characters is typed, and sends it', async () => {
    const fake = fakeApi({ 'backup:list': () => list([]), 'backup:create': () => withSecrets });
    render(<BackupsSection api={fake.api} />);
    await flush();
    expect(screen.queryByLabelText('Passphrase')).toBeNull();
    fireEvent.click(screen.getByRole('checkbox', { name: /Include secrets/ }));
    const backUp = screen.getByRole('button', { name: 'Back up now' }) as HTMLButtonElement;
    expect(backUp.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Passphrase'), { target: { value: 'short' } });
    expect(backUp.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Passphrase'), { target: { value: 'correct horse' } });
    expect(backUp.disabled).toBe(false);
    await act(async () => fireEvent.click(backUp));
    await flush();
    expect(fake.calls.find((c) => c.channel === 'backup:create')?.req).toEqual({ includeSecrets: true, passphrase: 'correct horse' });
    expect(screen.getByRole('status').textContent).toContain(`Backed up ${withSecrets.id} (5.0 MB)`);
    expect((screen.getByLabelText('Passphrase') as HTMLInputElement).value).toBe('');
    expect(fake.calls.filter((c) => c.channel === 'backup:list')).toHaveLength(2);
  });

  it('backs up without secrets by default and shows main\'s refusal', async () => {
    const fake = fakeApi({
      'backup:list': () => list([]),
      'backup:create': () => {
        throw new Error('Prometheus (pid 4) is running but not ready; try again once it answers');
      },
    });
    render(<BackupsSection api={fake.api} />);
    await flush();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Back up now' })));
    await flush();
    expect(fake.calls.find((c) => c.channel === 'backup:create')?.req).toEqual({ includeSecrets: false });
    expect(screen.getByRole('alert').textContent).toContain('Backup failed: Prometheus (pid 4) is running but not ready');
  });

  it('restores only after a confirm step, with the passphrase for a backup holding secrets, and shows the summary', async () => {
    const fake = fakeApi({
      'backup:list': () => list([withSecrets, older]),
      'backup:restore': () => ({ id: withSecrets.id, restored: ['settings', 'prometheus'], skipped: [{ what: 'grafana', reason: 'not in the backup' }], verified: { series: 812, expected: 812 }, durationMs: 4200 }),
    });
    render(<BackupsSection api={fake.api} />);
    await flush();
    fireEvent.click(screen.getByRole('button', { name: `Restore ${withSecrets.id}` }));
    expect(fake.calls.some((c) => c.channel === 'backup:restore')).toBe(false);
    const confirm = screen.getByRole('group', { name: `Confirm restoring ${withSecrets.id}` });
    expect(confirm.textContent).toContain('Replace the current metrics');

    // Cancel leaves everything alone.
    fireEvent.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('group')).toBeNull();
    expect(fake.calls.some((c) => c.channel === 'backup:restore')).toBe(false);

    fireEvent.click(screen.getByRole('button', { name: `Restore ${withSecrets.id}` }));
    fireEvent.change(screen.getByLabelText(/Passphrase for the secrets/), { target: { value: 'correct horse' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Restore now' })));
    await flush();
    expect(fake.calls.find((c) => c.channel === 'backup:restore')?.req).toEqual({ id: withSecrets.id, passphrase: 'correct horse' });
    const summary = screen.getByRole('status');
    expect(summary.textContent).toContain(`Restored ${withSecrets.id} in 4.2 s: settings, prometheus.`);
    expect(summary.textContent).toContain('Prometheus has 812 of 812 series.');
    expect(summary.textContent).toContain('Skipped grafana: not in the backup');
    expect(document.body.textContent).not.toContain('correct horse');
  });

  it('asks no passphrase for a backup without secrets, and says when a restore failed and the previous state is back', async () => {
    const fake = fakeApi({
      'backup:list': () => list([withSecrets, older]),
      'backup:restore': () => {
        throw new Error('restoring 20261202T080000Z-cd34 failed: checksum mismatch. The previous data is back in place.');
      },
    });
    render(<BackupsSection api={fake.api} />);
    await flush();
    fireEvent.click(screen.getByRole('button', { name: `Restore ${older.id}` }));
    expect(screen.queryByLabelText(/Passphrase for the secrets/)).toBeNull();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Restore now' })));
    await flush();
    expect(fake.calls.find((c) => c.channel === 'backup:restore')?.req).toEqual({ id: older.id });
    expect(screen.getByRole('alert').textContent).toContain('The previous data is back in place.');
  });

  it('prunes to keep N after confirming how many go', async () => {
    const fake = fakeApi({ 'backup:list': () => list([withSecrets, older, oldest]), 'backup:prune': () => ({ kept: [withSecrets.id], deleted: [older.id, oldest.id] }) });
    render(<BackupsSection api={fake.api} />);
    await flush();
    // Keeping 7 of 3 deletes nothing: nothing to prune.
    expect((screen.getByRole('button', { name: 'Prune' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Keep the newest'), { target: { value: '1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Prune' }));
    expect(fake.calls.some((c) => c.channel === 'backup:prune')).toBe(false);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Delete 2 older backups' })));
    await flush();
    expect(fake.calls.find((c) => c.channel === 'backup:prune')?.req).toEqual({ keep: 1 });
    expect(screen.getByRole('status').textContent).toBe('Deleted 2 backups, kept 1.');
  });
});
