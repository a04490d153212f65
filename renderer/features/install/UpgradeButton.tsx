import { useEffect } from 'react';
import type { InstallComponentId } from '../../../common/install';
import type { Api } from '../../../common/ipc';
import type { ComponentStatus } from '../../../common/model';
import { Button } from '../../ui/Button';
import { InstallFailureNote, InstallProgressLine } from './InstallProgressLine';
import { isFinal, useInstallStore } from './useInstallStore';
import './install.css';

/**
 * "3.15.0 available" and Upgrade for a component Lookout installed by release download (install:status's
 * `upgrade`). The new version is installed beside the old one and `current` switches once it answers
 * --version; the data stays. The component runs it from its next start, so the note says to restart it.
 * Shows nothing when there is no newer version and no upgrade under way.
 */
export function UpgradeButton({ api, component }: { api: Api; component: Pick<ComponentStatus, 'id' | 'name'> }) {
  const connect = useInstallStore((s) => s.connect);
  useEffect(() => connect(api), [api, connect]);

  const id = component.id as InstallComponentId;
  const upgrade = useInstallStore((s) => s.status?.components.find((c) => c.component === id)?.upgrade ?? null);
  const progress = useInstallStore((s) => s.progress[id]);
  const starting = useInstallStore((s) => s.starting);
  const start = useInstallStore((s) => s.start);
  const cancel = useInstallStore((s) => s.cancel);

  const running = progress !== undefined && !isFinal(progress);
  if (running && progress) {
    return (
      <div className="install-inline">
        <InstallProgressLine name={component.name} progress={progress} />
        <Button aria-label={`Cancel upgrading ${component.name}`} onClick={() => void cancel([id])}>
          Cancel
        </Button>
      </div>
    );
  }
  if (progress?.phase === 'done' && !upgrade?.newer) return <span className="muted">Upgraded; restart {component.name} to run the new version.</span>;
  if (!upgrade?.newer) return null;
  return (
    <div className="install-inline">
      <span className="muted">
        {upgrade.available} available (installed {upgrade.installed ?? '—'})
      </span>
      <Button aria-label={`Upgrade ${component.name} to ${upgrade.available}`} disabled={starting} onClick={() => void start([id], upgrade.source)}>
        Upgrade
      </Button>
      {progress?.phase === 'failed' && progress.failure && <InstallFailureNote failure={progress.failure} />}
    </div>
  );
}
