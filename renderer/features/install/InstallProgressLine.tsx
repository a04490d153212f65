import type { InstallFailure, InstallProgress } from '../../../common/install';
import { formatBytes } from '../../lib/format';
import { percentOf } from './useInstallStore';

const PHASE_LABEL: Record<InstallProgress['phase'], string> = {
  resolving: 'Resolving',
  downloading: 'Downloading',
  verifying: 'Verifying checksum',
  unpacking: 'Unpacking',
  done: 'Installed',
  failed: 'Failed',
};

/** One install's bar: phase, percent (bytes when known) and the tool's own line. */
export function InstallProgressLine({ name, progress }: { name: string; progress: InstallProgress }) {
  const percent = percentOf(progress);
  const bytes =
    progress.bytesDone !== undefined ? `${formatBytes(progress.bytesDone)}${progress.bytesTotal !== undefined ? ` of ${formatBytes(progress.bytesTotal)}` : ''}` : null;
  return (
    <div className="install-progress" data-testid={`install-progress-${progress.component}`}>
      <progress aria-label={`${name} install progress`} max={100} {...(percent !== null ? { value: percent } : {})} />
      <span className="install-phase">{PHASE_LABEL[progress.phase]}</span>
      {percent !== null && <span className="install-percent">{percent} %</span>}
      {bytes && <span className="muted install-bytes">{bytes}</span>}
      {progress.message && <span className="muted install-message">{progress.message}</span>}
    </div>
  );
}

/** Why an install failed and what to do; a cancel is said quietly, not as an alert. */
export function InstallFailureNote({ failure }: { failure: InstallFailure }) {
  if (failure.kind === 'cancelled') return <p className="muted">Cancelled; nothing was installed.</p>;
  return (
    <div role="alert" className="install-failure">
      <p className="component-error">{failure.message}</p>
      <p className="component-fix">Fix: {failure.fix}</p>
    </div>
  );
}
