import { describe, expect, it } from 'vitest';
import { defaultSettings, settingsSchema } from '../settings/schema';
import { isAllowedExternalUrl } from './allowlist';
import { quickLinks } from './quick-links';

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

  it('leaves out components that are disabled', () => {
    const settings = settingsSchema.parse({ stack: { components: { grafana: { enabled: false }, alertmanager: { enabled: false } } } });
    expect(quickLinks(settings).map((l) => l.id)).toEqual(['prometheus']);
  });
});
