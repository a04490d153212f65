import { useEffect, useState } from 'react';
import type { Api } from '../../../common/ipc';
import type { ServiceView } from '../../../common/model';
import { Badge } from '../../ui/Badge';

/** How often the list is read again while shown: `up` changes with Prometheus' scrapes, not with an event. */
const REFRESH_MS = 10_000;

const SOURCE_TEXT: Record<ServiceView['source'], string> = { settings: 'settings.json', demo: 'lookout demo' };

/**
 * Every service Prometheus scrapes — the user's (settings.json) and those `lookout demo` published
 * (demo.json, never written to settings) — with Prometheus' own `up` for it, so a service that is down
 * or not scraped yet says so, and says where it came from (issue 16.4).
 */
export function ScrapedServices({ api }: { api: Api }) {
  const [services, setServices] = useState<ServiceView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const load = () =>
      api.services.list({}).then(
        (r) => live && (setServices(r.services), setError(null)),
        (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    // A new demo or a settings save changes the list; a stack start changes `up`.
    const offs = [api.on('settings:changed', () => void load()), api.on('stack:changed', () => void load())];
    return () => {
      live = false;
      clearInterval(timer);
      for (const off of offs) off();
    };
  }, [api]);

  return (
    <section className="scraped-services" aria-labelledby="scraped-services-title">
      <h2 id="scraped-services-title" className="subhead">
        Scraped services
      </h2>
      {error && (
        <p role="alert" className="component-error">
          {error}
        </p>
      )}
      {services && services.length === 0 && <p className="muted">No services are scraped yet: add one below, or run <code>lookout demo</code>.</p>}
      {services && services.length > 0 && (
        <ul role="list" aria-label="Scraped services" className="services">
          {services.map((s) => (
            <li key={`${s.source}-${s.name}`} aria-label={s.name} className="service-row">
              <Badge tone={s.up === true ? 'ok' : s.up === false ? 'critical' : 'neutral'}>{s.up === true ? 'up' : s.up === false ? 'down' : 'unknown'}</Badge>{' '}
              <span className="service-name">{s.name}</span> <code className="ellipsis" title={`${s.url}${s.metricsPath}`}>{s.url}</code>{' '}
              <span className="muted">from {SOURCE_TEXT[s.source]}</span>
              {s.up === null && s.upError && (
                <span className="muted" title={s.upError}>
                  {' '}
                  · {s.upError}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
