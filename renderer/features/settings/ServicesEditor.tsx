import { useState } from 'react';
import type { SettingsChange } from '../../../common/model';
import { Button } from '../../ui/Button';
import { pathKey, useSettingsStore, valueAt } from './useSettingsStore';

/** The parts of a service (settings.json `services[]`) this editor shows. */
interface ServiceDoc {
  name?: string;
  url?: string;
  metricsPath?: string;
  ipc?: IpcTargetDoc[];
}

/** One IPC endpoint: exactly one of socketPath, address or url (main's schema says which are valid). */
export interface IpcTargetDoc {
  name: string;
  socketPath?: string;
  address?: string;
  url?: string;
}

/**
 * One text box for an endpoint, read the way a user writes it: an absolute path is a Unix socket, an
 * http(s) URL is probed over HTTP, anything else is a host:port address. Main validates the result
 * (loopback only, a real port), and its message then shows beside the box.
 */
export function ipcTarget(name: string, endpoint: string): IpcTargetDoc {
  const value = endpoint.trim();
  if (value.startsWith('/')) return { name, socketPath: value };
  if (/^https?:\/\//i.test(value)) return { name, url: value };
  return { name, address: value };
}

const endpointText = (t: IpcTargetDoc) => t.socketPath ?? t.address ?? t.url ?? '';

/** The user's services: each is a scrape target, with the IPC endpoints Lookout probes for latency. */
export function ServicesEditor() {
  const services = useSettingsStore((s) => (valueAt(s.settings, ['services']) as ServiceDoc[] | undefined) ?? []);
  const save = useSettingsStore((s) => s.save);

  return (
    <fieldset className="field-group">
      <legend>Services</legend>
      {services.length === 0 && <p className="muted">No services in settings.json yet: add the ones Prometheus should scrape.</p>}
      <ul className="services" role="list">
        {services.map((svc, i) => (
          <li key={`${svc.name}-${i}`} aria-label={svc.name}>
            <div className="service-row">
              <span className="service-name">{svc.name}</span> <code>{svc.url}{svc.metricsPath && svc.metricsPath !== '/metrics' ? svc.metricsPath : ''}</code>{' '}
              <Button aria-label={`Remove ${svc.name}`} onClick={() => void save([{ path: ['services', i], value: undefined }])}>
                Remove
              </Button>
            </div>
            <IpcEndpoints service={svc.name ?? `service ${i + 1}`} index={i} endpoints={svc.ipc ?? []} />
          </li>
        ))}
      </ul>
      <AddRow
        path={['services', services.length]}
        labels={['New service name', 'New service URL']}
        placeholders={['name', 'http://127.0.0.1:8080']}
        addLabel="Add service"
        value={(name, url) => ({ name, url })}
      />
    </fieldset>
  );
}

function IpcEndpoints({ service, index, endpoints }: { service: string; index: number; endpoints: IpcTargetDoc[] }) {
  const save = useSettingsStore((s) => s.save);
  return (
    <div className="service-ipc">
      {endpoints.length > 0 && (
        <ul className="ipc-endpoints" role="list" aria-label={`IPC endpoints of ${service}`}>
          {endpoints.map((t, j) => (
            <li key={`${t.name}-${j}`}>
              IPC <span className="service-name">{t.name}</span> <code>{endpointText(t)}</code>{' '}
              <Button aria-label={`Remove IPC endpoint ${t.name} of ${service}`} onClick={() => void save([{ path: ['services', index, 'ipc', j], value: undefined }])}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <AddRow
        path={['services', index, 'ipc', endpoints.length]}
        labels={[`New IPC endpoint name for ${service}`, `New IPC endpoint for ${service}`]}
        placeholders={['ipc name', '/tmp/app.sock, 127.0.0.1:8081 or http://…']}
        addLabel={`Add IPC endpoint to ${service}`}
        value={ipcTarget}
      />
    </div>
  );
}

/**
 * Two boxes and Add, appending one entry at `path`. A refused entry keeps what was typed and shows main's
 * reason under the row (the store files issues about the new entry under its path).
 */
function AddRow(props: { path: SettingsChange['path']; labels: [string, string]; placeholders: [string, string]; addLabel: string; value: (a: string, b: string) => unknown }) {
  const { path, labels, placeholders, addLabel, value } = props;
  const save = useSettingsStore((s) => s.save);
  const key = pathKey(path);
  const issue = useSettingsStore((s) => s.issues[key]);
  const dismissIssue = useSettingsStore((s) => s.dismissIssue);
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  // A refusal is about what was sent: editing either box makes it stale.
  const edit = (set: (v: string) => void) => (e: { target: { value: string } }) => {
    set(e.target.value);
    dismissIssue(key);
  };
  // Add stays disabled until both are filled: say which one is missing rather than leave it unexplained.
  const missing = a.trim() && !b.trim() ? labels[1] : !a.trim() && b.trim() ? labels[0] : null;
  const add = async () => {
    if (await save([{ path, value: value(a.trim(), b.trim()) }])) {
      setA('');
      setB('');
    }
  };
  return (
    <>
      <div className="service-add">
        <input aria-label={labels[0]} placeholder={placeholders[0]} value={a} onChange={edit(setA)} />
        <input aria-label={labels[1]} placeholder={placeholders[1]} value={b} onChange={edit(setB)} />
        <Button aria-label={addLabel} onClick={() => void add()} disabled={!a.trim() || !b.trim()}>
          Add
        </Button>
      </div>
      {issue && <p role="alert" className="field-issue">{issue}</p>}
      {!issue && missing && <p className="muted field-hint">{missing} is needed to add one.</p>}
    </>
  );
}
