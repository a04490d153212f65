import { useEffect } from 'react';
import type { InstallComponentId } from '../../../common/install';
import type { Api } from '../../../common/ipc';
import type { ComponentStatus } from '../../../common/model';
import { Button } from '../../ui/Button';
import { InstallFailureNote, InstallProgressLine } from './InstallProgressLine';
import { isFinal, useInstallStore } from './useInstallStore';
import './install.css';

/**
 * Install for a `not-installed` component row: starts install:start for that component, shows the live
 * progress from install:progress with Cancel, and the reason and fix when it fails. Once the install lands
 * main re-finds the binary and the row's state (from the stack snapshot) leaves `not-installed`; this then
 * shows nothing more.
 */
export function InstallButton({ api, component }: { api: Api; component: Pick<ComponentStatus, 'id' | 'name' | 'state'> }) {
  const connect = useInstallStore((s) => s.connect);
  useEffect(() => connect(api), [api, connect]);

  const id = component.id as InstallComponentId;
  const progress = useInstallStore((s) => s.progress[id]);
  const row = useInstallStore((s) => s.status?.components.find((c) => c.component === id) ?? null);
  const skipped = useInstallStore((s) => s.skipped[id]);
  const starting = useInstallStore((s) => s.starting);
  const error = useInstallStore((s) => s.error);
  const start = useInstallStore((s) => s.start);
  const cancel = useInstallStore((s) => s.cancel);

  const running = (progress !== undefined && !isFinal(progress)) || (progress === undefined && row?.installing === true);
  const failure = progress?.phase === 'failed' ? (progress.failure ?? { kind: 'unexpected' as const, message: progress.message, fix: 'try again; if it keeps failing, run lookout doctor' }) : progress ? null : (row?.lastFailure ?? null);

  if (component.state !== 'not-installed' && !running) return null;

  return (
    <div className="install-inline">
      {running ? (
        <>
          {progress && <InstallProgressLine name={component.name} progress={progress} />}
          <Button aria-label={`Cancel installing ${component.name}`} onClick={() => void cancel([id])}>
            Cancel
          </Button>
        </>
      ) : progress?.phase === 'done' ? (
        <span className="muted">Installed; starting to look for it…</span>
      ) : (
        <Button aria-label={`Install ${component.name}`} disabled={starting} onClick={() => void start([id])}>
          {failure ? 'Retry install' : 'Install'}
        </Button>
      )}
      {!running && failure && <InstallFailureNote failure={failure} />}
      {!running && skipped && <p className="muted">Not started: {skipped}</p>}
      {error && <p role="alert" className="component-error">{error}</p>}
    </div>
  );
}
