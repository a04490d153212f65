import { useEffect, useId, useState } from 'react';
import type { Api } from '../../../common/ipc';
import { SECRET_NAMES, type AlertSeverity, type SecretName, type SecretsStatus } from '../../../common/model';
import { Button } from '../../ui/Button';

const LABELS: Record<SecretName, string> = { slackUrl: 'Slack webhook URL', smtpPassword: 'SMTP password', webhookToken: 'Webhook bearer token' };

/**
 * The channels' secrets and a test send. Secrets go to main once and are never shown again (main
 * keeps them in 0600 files, or the keychain-backed store in the app); only "set / not set" comes back.
 */
export function ChannelSecrets({ api }: { api: Api }) {
  const [status, setStatus] = useState<SecretsStatus | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    let active = true;
    api.secrets.get().then((s) => active && setStatus(s), (err: unknown) => active && setMessage(String(err instanceof Error ? err.message : err)));
    return () => {
      active = false;
    };
  }, [api]);

  const test = async (severity: AlertSeverity) => {
    try {
      const { channels } = await api.alerts.test({ severity });
      setMessage(channels.length ? `Test ${severity} alert sent: ${channels.join(', ')} should show it within seconds.` : `Test ${severity} alert sent, but no channel is enabled for ${severity}.`);
    } catch (err) {
      setMessage(`Test not sent: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  return (
    <fieldset className="field-group">
      <legend>Channel secrets and test</legend>
      {SECRET_NAMES.map((name) => (
        <SecretField key={name} api={api} name={name} set={status?.[name] ?? false} onStatus={setStatus} onMessage={setMessage} />
      ))}
      <div className="send-test">
        <Button onClick={() => void test('critical')}>Send test (critical)</Button>
        <Button onClick={() => void test('warning')}>Send test (warning)</Button>
      </div>
      {message && (
        <p className="muted" role="status">
          {message}
        </p>
      )}
    </fieldset>
  );
}

function SecretField({ api, name, set, onStatus, onMessage }: { api: Api; name: SecretName; set: boolean; onStatus: (s: SecretsStatus) => void; onMessage: (m: string) => void }) {
  const id = useId();
  const [value, setValue] = useState('');
  const save = async () => {
    try {
      onStatus(await api.secrets.set({ name, value }));
      setValue('');
      onMessage(`${LABELS[name]} saved.`);
    } catch (err) {
      onMessage(`${LABELS[name]} not saved: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return (
    <div className="field">
      <label htmlFor={id}>
        {LABELS[name]} <span className="muted">({set ? 'set' : 'not set'})</span>
      </label>
      <input id={id} type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && value && void save()} />
    </div>
  );
}
