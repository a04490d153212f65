import { useEffect, useState } from 'react';
import type { Api } from '../../../common/ipc';
import { Button } from '../../ui/Button';

type Status = 'idle' | 'copied' | 'failed';

/**
 * Copies Grafana's admin password (created by Lookout, random per install) to the clipboard. The password is
 * fetched on click and never rendered, so it does not sit in the page or a screenshot.
 */
export function CopyGrafanaPassword({ api }: { api: Api }) {
  const [status, setStatus] = useState<Status>('idle');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (status === 'idle') return;
    const timer = setTimeout(() => setStatus('idle'), 2_500);
    return () => clearTimeout(timer);
  }, [status]);

  async function copy() {
    try {
      const { password } = await api.grafana.credentials();
      await navigator.clipboard.writeText(password);
      setError(null);
      setStatus('copied');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setStatus('failed');
    }
  }

  return (
    <span className="grafana-password">
      <Button aria-label={status === 'copied' ? 'Copied Grafana admin password' : 'Copy password of Grafana admin'} onClick={() => void copy()}>
        {status === 'copied' ? 'Copied' : 'Copy password'}
      </Button>
      <span className="muted"> user admin</span>
      {status === 'failed' && error && <span role="alert" className="component-error"> {error}</span>}
    </span>
  );
}
