import { useEffect, useState } from 'react';
import type { Api } from '../../../common/ipc';
import type { QuickLink } from '../../../common/model';

/**
 * Quick links: only what main's link builders made and its allowlist accepted. In the menubar app a
 * target=_blank link goes to the shell, which checks the allowlist again before opening the browser.
 */
export function LinksView({ api }: { api: Api }) {
  const [links, setLinks] = useState<QuickLink[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let active = true;
    const load = () =>
      api.links.get().then(
        (res) => active && setLinks(res.links),
        (err: unknown) => active && setError(err instanceof Error ? err.message : String(err)),
      );
    void load();
    // Ports and enabled components come from settings, and main offers links only to running
    // components: follow both.
    const offSettings = api.on('settings:changed', () => void load());
    let lastStates = '';
    const offStack = api.on('stack:changed', (snap) => {
      const states = snap.components.map((c) => `${c.id}:${c.state}`).join(',');
      if (states === lastStates) return;
      lastStates = states;
      void load();
    });
    return () => {
      active = false;
      offSettings();
      offStack();
    };
  }, [api]);

  return (
    <section className="links" aria-labelledby="links-title">
      <header className="section-header">
        <h2 id="links-title">Links</h2>
      </header>
      {error && <p role="alert" className="banner banner-warning">{error}</p>}
      {links && links.length === 0 && <p className="muted">No links while the stack is stopped.</p>}
      {links && links.length > 0 && (
        <ul role="list" className="link-list">
          {links.map((l) => (
            <li key={l.id}>
              <a href={l.url} target="_blank" rel="noreferrer">
                {l.label}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
