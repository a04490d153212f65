import { useEffect, useId, useRef, useState } from 'react';
import type { Api } from '../../../common/ipc';
import { BackupsSection } from '../backup/BackupsSection';
import { CopyStackLogin } from '../security/CopyStackLogin';
import { LockdownBadge } from '../security/LockdownBadge';
import { ScrapedServices } from '../services/ScrapedServices';
import { RemoteWriteStatus } from '../security/RemoteWriteStatus';
import { ChannelSecrets } from './ChannelSecrets';
import { ServicesEditor } from './ServicesEditor';
import { FIELD_GROUPS, SEVERITIES, type FieldSpec } from './fields';
import { pathKey, useSettingsStore, valueAt } from './useSettingsStore';

/** Settings: each field saves on commit (Enter, blur, toggle); a rejected value shows its reason beside it. */
export function SettingsView({ api }: { api: Api }) {
  const connect = useSettingsStore((s) => s.connect);
  useEffect(() => connect(api), [api, connect]);
  const settings = useSettingsStore((s) => s.settings);
  const fileError = useSettingsStore((s) => s.fileError);
  const error = useSettingsStore((s) => s.error);
  const file = useSettingsStore((s) => s.file);

  return (
    <section className="settings" aria-labelledby="settings-title">
      <header className="section-header">
        <h1 id="settings-title" tabIndex={-1}>Settings</h1>
      </header>
      {fileError && <p role="alert" className="banner banner-warning">{fileError}</p>}
      {error && <p role="alert" className="banner banner-critical">{error}</p>}
      {!settings ? (
        <p className="muted">Loading settings…</p>
      ) : (
        <>
          {FIELD_GROUPS.map((group) => (
            <fieldset key={group.id} className="field-group">
              <legend>
                {group.title} <code className="muted">{group.section}</code>
              </legend>
              {group.fields.map((field) => (
                <Field key={pathKey(field.path)} field={field} />
              ))}
            </fieldset>
          ))}
          <ScrapedServices api={api} />
          <ServicesEditor />
          <ChannelSecrets api={api} />
          <fieldset className="field-group">
            <legend>
              Endpoint lock-down <code className="muted">stack.lockdown</code>
            </legend>
            <LockdownBadge api={api} /> <CopyStackLogin api={api} />
          </fieldset>
          <RemoteWriteStatus api={api} />
          <BackupsSection api={api} />
          {file && <p className="muted settings-file">Saved to <code>{file}</code></p>}
        </>
      )}
    </section>
  );
}

function Field({ field }: { field: FieldSpec }) {
  const id = useId();
  const key = pathKey(field.path);
  const current = useSettingsStore((s) => valueAt(s.settings, field.path));
  const issue = useSettingsStore((s) => s.issues[key]);
  const saved = useSettingsStore((s) => s.saved === key);
  const save = useSettingsStore((s) => s.save);
  const shown = Array.isArray(current) ? current.join(', ') : String(current ?? '');
  const [draft, setDraft] = useState(shown);
  // Follow the value in force when it changes elsewhere (another save, an edit of the file).
  useEffect(() => setDraft(shown), [shown]);

  const dismissIssue = useSettingsStore((s) => s.dismissIssue);
  // The draft last sent: once refused, Enter and then leaving the field would otherwise send it twice.
  const sent = useRef<string | null>(null);
  const commit = () => {
    if (draft === shown) {
      // Back to the value in force: the refusal was about a value that is gone.
      sent.current = null;
      dismissIssue(key);
      return;
    }
    if (issue && draft === sent.current) return;
    sent.current = draft;
    void save([{ path: field.path, value: parseDraft(field, draft) }]);
  };

  if (field.kind === 'severities') {
    const chosen = Array.isArray(current) ? (current as string[]) : [];
    const toggle = (severity: string, on: boolean) => {
      const next = SEVERITIES.filter((s) => (s === severity ? on : chosen.includes(s)));
      void save([{ path: field.path, value: next }]);
    };
    return (
      <div className="field field-severities" role="group" aria-labelledby={`${id}-label`} aria-describedby={issue ? `${id}-issue` : undefined}>
        <span id={`${id}-label`} className="field-label">{field.label}</span>
        <span className="severity-choices">
          {SEVERITIES.map((severity) => (
            <label key={severity} className="severity-choice">
              <input type="checkbox" checked={chosen.includes(severity)} onChange={(e) => toggle(severity, e.target.checked)} /> {severity}
            </label>
          ))}
        </span>
        {issue ? <span id={`${id}-issue`} role="alert" className="field-issue">{issue}</span> : saved ? <span className="field-saved">saved</span> : null}
      </div>
    );
  }
  if (field.kind === 'checkbox') {
    return (
      <div className="field field-checkbox">
        <input id={id} type="checkbox" checked={current === true} aria-invalid={issue ? true : undefined} aria-describedby={issue ? `${id}-issue` : undefined} onChange={(e) => void save([{ path: field.path, value: e.target.checked }])} />
        <label htmlFor={id}>{field.label}</label>
        {issue && <span id={`${id}-issue`} role="alert" className="field-issue">{issue}</span>}
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{field.label}</label>
      <input
        id={id}
        type="text"
        inputMode={field.kind === 'number' ? 'numeric' : undefined}
        value={draft}
        placeholder={field.hint}
        aria-invalid={issue ? true : undefined}
        aria-describedby={issue ? `${id}-issue` : undefined}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      {issue ? <span id={`${id}-issue`} role="alert" className="field-issue">{issue}</span> : saved ? <span className="field-saved">saved</span> : null}
    </div>
  );
}

/**
 * What a text box means for its field: a number field sends a number when it reads as one (so the
 * schema judges the value, not its type), an empty optional field is removed, a list is split on commas.
 */
function parseDraft(field: FieldSpec, draft: string): unknown {
  const text = draft.trim();
  if (field.kind === 'list') return text ? text.split(',').map((s) => s.trim()).filter(Boolean) : [];
  if (text === '') return undefined;
  if (field.kind === 'number' && Number.isFinite(Number(text))) return Number(text);
  return draft;
}
