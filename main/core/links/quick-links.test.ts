import { describe, expect, it } from 'vitest';
import { defaultSettings, settingsSchema } from '../settings/schema';
import { isAllowedExternalUrl } from './allowlist';
import { quickLinks } from './quick-links';
import { linkableFrom } from './availability';
import { fakeComponent } from '../../../test/fakes/fake-core';
import type { ComponentId, ComponentState } from '../../../common/model';

describe('quickLinks', () => {
  it('offers Grafana dashboards, Prometheus and Alertmanager on 127.0.0.1, every one allowlisted', () => {
    const settings = defaultSettings();
    const links = quickLinks(settings);
    expect(links.map((l) => l.id)).toEqual(['grafana-system', 'grafana-services', 'grafana-alerts', 'prometheus', 'alertmanager']);
    for (const l of links) {
      expect(l.url.startsWith('http://127.0.0.1:')).toBe(true);
      expect(isAllowedExternalUrl(l.url, settings)).toBe(true);
    }
  });

  it('leaves out components that are not running or unhealthy (issue 16.2)', () => {
    const settings = defaultSettings();
    const states: Partial<Record<ComponentId, ComponentState>> = { grafana: 'not-installed', prometheus: 'unhealthy', alertmanager: 'starting' };
    const linkable = linkableFrom((Object.keys(states) as ComponentId[]).map((id) => fakeComponent(id, { state: states[id]! })));
    expect(quickLinks(settings, linkable).map((l) => l.id)).toEqual(['prometheus']);
    states.grafana = 'running';
    states.alertmanager = 'stopped';
    const next = linkableFrom((Object.keys(states) as ComponentId[]).map((id) => fakeComponent(id, { state: states[id]! })));
    expect(quickLinks(settings, next).map((l) => l.id)).toEqual(['grafana-system', 'grafana-services', 'grafana-alerts', 'prometheus']);
  });

  it('leaves out components that are disabled', () => {
    const settings = settingsSchema.parse({ stack: { components: { grafana: { enabled: false }, alertmanager: { enabled: false } } } });
    expect(quickLinks(settings).map((l) => l.id)).toEqual(['prometheus']);
  });

  it('offers Jaeger on its configured UI port when the jaeger component is enabled, allowlisted', () => {
    const settings = settingsSchema.parse({ stack: { components: { jaeger: { enabled: true, port: 17686 } } } });
    const jaeger = quickLinks(settings).find((l) => l.id === 'jaeger');
    expect(jaeger).toEqual({ id: 'jaeger', label: 'Jaeger', url: 'http://127.0.0.1:17686/search' });
    expect(isAllowedExternalUrl(jaeger!.url, settings)).toBe(true);
    expect(quickLinks(defaultSettings()).some((l) => l.id === 'jaeger')).toBe(false);
  });
});
