import { useEffect, useState } from 'react';
import type { Availability, InstallStatus } from '../../../common/install';
import type { Api } from '../../../common/ipc';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { InstallFailureNote, InstallProgressLine } from './InstallProgressLine';
import { INSTALL_NAMES, isFinal, useInstallStore, type InstallSourceChoice } from './useInstallStore';
import './install.css';

const SOURCES: Array<{ value: InstallSourceChoice; label: string; explain: string; needs: keyof InstallStatus['installers'] | null }> = [
  { value: 'auto', label: 'Automatic', explain: 'Homebrew where it has the formula, else the official release download', needs: null },
  { value: 'brew', label: 'Homebrew', explain: 'brew install; stays up to date with the rest of the Mac (no Jaeger formula)', needs: 'brew' },
  { value: 'release', label: 'Release download', explain: 'the official archives, checked against their SHA-256 sums, into Lookout’s home', needs: 'release' },
  { value: 'docker', label: 'Docker containers', explain: 'the official images in one compose project, every port on 127.0.0.1; Lookout supervises the containers', needs: 'docker' },
];

const RUNTIME_NAMES: Record<keyof InstallStatus['installers'], string> = { brew: 'Homebrew', release: 'Release downloads', docker: 'Docker' };

/** True on a first run: no component has a usable binary yet. */
export function nothingInstalled(status: InstallStatus): boolean {
  return status.components.every((c) => !c.installed);
}

/**
 * First run: what is missing, the ways to install it found on this Mac (install:status), and one
 * "Install everything" with a progress line per component. Shows nothing once something is installed,
 * unless installs were started from here: then it stays (across remounts) until Done is pressed, so mount it
 * unconditionally at the top of the overview.
 */
export function OnboardingPanel({ api }: { api: Api }) {
  const connect = useInstallStore((s) => s.connect);
  useEffect(() => connect(api), [api, connect]);

  const status = useInstallStore((s) => s.status);
  const progress = useInstallStore((s) => s.progress);
  const skipped = useInstallStore((s) => s.skipped);
  const starting = useInstallStore((s) => s.starting);
  const error = useInstallStore((s) => s.error);
  const start = useInstallStore((s) => s.start);
  const cancel = useInstallStore((s) => s.cancel);
  const dismissError = useInstallStore((s) => s.dismissError);
  // Until the user picks one, install:start goes without a source, so the install.source setting decides.
  const [source, setSource] = useState<InstallSourceChoice | null>(null);
  const startedHere = useInstallStore((s) => s.onboarding);
  const setOnboarding = useInstallStore((s) => s.setOnboarding);

  if (!status) return error ? <ErrorBanner message={error} onDismiss={dismissError} /> : null;
  if (!nothingInstalled(status) && !startedHere) return null;

  const wanted = status.components.filter((c) => c.enabled);
  const missing = wanted.filter((c) => !c.installed);
  const anyRunning = Object.values(progress).some((p) => p && !isFinal(p));
  const usable = (needs: keyof InstallStatus['installers'] | null) => needs === null || status.installers[needs].ok;

  return (
    <section className="onboarding" aria-labelledby="onboarding-title">
      <h2 id="onboarding-title">Set up the stack</h2>
      <p className="muted">
        {missing.length === 0 ? 'Everything enabled is installed.' : `${missing.length} of ${wanted.length} enabled components are not installed yet.`} Lookout installs them and runs them itself.
      </p>

      <ul className="onboarding-runtimes" aria-label="Ways to install found">
        {(Object.keys(RUNTIME_NAMES) as Array<keyof InstallStatus['installers']>).map((k) => (
          <RuntimeLine key={k} name={RUNTIME_NAMES[k]} availability={status.installers[k]} />
        ))}
      </ul>

      <fieldset className="onboarding-sources">
        <legend>Install with</legend>
        {SOURCES.map((s) => (
          <label key={s.value} className="field-checkbox">
            <input type="radio" name="install-source" value={s.value} checked={(source ?? 'auto') === s.value} disabled={!usable(s.needs) || anyRunning} onChange={() => setSource(s.value)} />
            {s.label} <span className="muted">— {usable(s.needs) ? s.explain : (status.installers[s.needs!].reason ?? 'not available here')}</span>
          </label>
        ))}
      </fieldset>

      <div>
        {startedHere && !anyRunning && missing.length === 0 ? (
          <Button variant="primary" onClick={() => setOnboarding(false)}>
            Done
          </Button>
        ) : anyRunning ? (
          <Button onClick={() => void cancel()}>Cancel all</Button>
        ) : (
          <Button
            variant="primary"
            disabled={starting || missing.length === 0}
            onClick={() => {
              setOnboarding(true);
              void start(undefined, source ?? undefined);
            }}
          >
            Install everything
          </Button>
        )}
      </div>
      {error && <ErrorBanner message={error} onDismiss={dismissError} />}

      <ul className="onboarding-list" aria-label="Components to install">
        {wanted.map((c) => {
          const name = INSTALL_NAMES[c.component];
          const p = progress[c.component];
          const failure = p?.phase === 'failed' ? (p.failure ?? null) : p ? null : c.lastFailure;
          return (
            <li key={c.component} className="onboarding-item" aria-label={name}>
              <div>
                <strong>{name}</strong>{' '}
                {c.installed ? <Badge tone="ok">installed{c.version ? ` ${c.version}` : ''}</Badge> : !p ? <Badge tone="neutral">missing</Badge> : null}
              </div>
              {p && !(c.installed && p.phase === 'done') && <InstallProgressLine name={name} progress={p} />}
              {failure && <InstallFailureNote failure={failure} />}
              {skipped[c.component] && !p && <p className="muted">Not started: {skipped[c.component]}</p>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function RuntimeLine({ name, availability: a }: { name: string; availability: Availability }) {
  return (
    <li>
      <Badge tone={a.ok ? 'ok' : 'neutral'}>{a.ok ? 'found' : 'not available'}</Badge> {name}
      <span className="muted"> {a.ok ? (a.detail ?? '') : `${a.reason ?? ''}${a.fix ? ` — ${a.fix}` : ''}`}</span>
    </li>
  );
}
