import { useEffect, useState } from 'react';
import type { Api } from '../../../common/ipc';
import { Button } from '../../ui/Button';

type Status = 'idle' | 'copied' | 'failed';

/**
 * Copies the stack's password (Prometheus' and Alertmanager's own pages ask for it while lock-down is on) to
 * the clipboard. Like CopyGrafanaPassword, it is fetched from stack:credentials on click and never
 * rendered; the user name, which is no secret, is shown once known.
 */
export function CopyStackLogin({ api }: { api: Api }) {
  const [status, setStatus] = useState<Status>('idle');
  const [user, setUser] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (status === 'idle') return;
    const timer = setTimeout(() => setStatus('idle'), 2_500);
    return () => clearTimeout(timer);
  }, [status]);

  async function copy() {
    try {
      const login = await api.stack.credentials();
      setUser(login.user);
      await navigator.clipboard.writeText(login.password);
      setError(null);
      setStatus('copied');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setStatus('failed');
    }
  }

  return (
    <span className="stack-login">
      <Button aria-label={status === 'copied' ? 'Copied the stack password (Prometheus and Alertmanager)' : 'Copy stack password (Prometheus and Alertmanager)'} onClick={() => void copy()}>
        {status === 'copied' ? 'Copied' : 'Copy stack password'}
      </Button>
      {user && <span className="muted"> user {user}</span>}
      {status === 'failed' && error && <span role="alert" className="component-error"> {error}</span>}
    </span>
  );
}
