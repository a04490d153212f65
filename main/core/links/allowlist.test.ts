import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../settings/schema';
import { isAllowedExternalUrl } from './allowlist';

describe('isAllowedExternalUrl', () => {
  const settings = defaultSettings();
  it.each([
    'http://127.0.0.1:9090/graph?g0.expr=up',
    'http://127.0.0.1:9093/#/alerts',
    'http://127.0.0.1:9469/',
  ])('allows Lookout\'s own components: %s', (url) => expect(isAllowedExternalUrl(url, settings)).toBe(true));

  it.each([
    'https://example.com/',
    'http://localhost:9090/', // only the address the link builders use
    'http://127.0.0.1:22/',
    'http://user:pw@127.0.0.1:9090/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'not a url',
  ])('refuses anything else: %s', (url) => expect(isAllowedExternalUrl(url, settings)).toBe(false));
});
