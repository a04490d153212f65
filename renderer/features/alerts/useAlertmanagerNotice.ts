import { useEffect, useState } from 'react';
import { useStackStore } from '../stack/useStackStore';
import { alertmanagerNotice, STARTING_GRACE_MS, type SourceNotice } from './source-status';
import { useAlertsStore } from './useAlertsStore';

/** The notice for the alert source, re-read when a just-started Alertmanager's grace time ends. */
export function useAlertmanagerNotice(): SourceNotice {
  const source = useAlertsStore((s) => s.snapshot?.alertmanager);
  const component = useStackStore((s) => s.snapshot?.components.find((c) => c.id === 'alertmanager'));
  const [now, setNow] = useState(() => Date.now());
  const since = component?.state === 'running' ? component.since : null;
  useEffect(() => {
    if (since === null) return;
    const left = since + STARTING_GRACE_MS - Date.now();
    if (left <= 0) return;
    const timer = setTimeout(() => setNow(Date.now()), left + 50);
    return () => clearTimeout(timer);
  }, [since]);
  return alertmanagerNotice(source, component, Math.max(now, Date.now()));
}
