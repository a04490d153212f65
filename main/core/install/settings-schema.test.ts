import { describe, expect, it } from 'vitest';
import { dockerSettingsSchema, installSettingsSchema, runtimeField } from './settings-schema';

const issues = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  r.success ? [] : r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('install and runtime settings', () => {
  it('defaults to what Lookout does today: native, auto source, pinned versions', () => {
    expect(runtimeField.parse(undefined)).toBe('native');
    expect(installSettingsSchema.parse(undefined)).toEqual({ source: 'auto', versions: {}, keepPrevious: true });
    expect(dockerSettingsSchema.parse(undefined)).toEqual({ images: {}, waitTimeoutSeconds: 180 });
  });

  it('accepts an https mirror, and plain http only on this machine', () => {
    expect(installSettingsSchema.parse({ mirror: 'https://mirror.example.com/github' }).mirror).toBe('https://mirror.example.com/github');
    expect(installSettingsSchema.parse({ mirror: 'http://127.0.0.1:8080' }).mirror).toBe('http://127.0.0.1:8080');
    expect(issues(installSettingsSchema.safeParse({ mirror: 'http://mirror.example.com' }))).toEqual(['mirror: must be https:// (plain http:// only for a mirror on this machine)']);
    expect(issues(installSettingsSchema.safeParse({ mirror: 'ftp://x' }))).toEqual(['mirror: must be an http:// or https:// URL']);
  });

  it('names the field of a bad value, and refuses typos', () => {
    expect(issues(installSettingsSchema.safeParse({ source: 'apt' }))[0]).toMatch(/^source: /);
    expect(issues(installSettingsSchema.safeParse({ versions: { prometheus: '../x' } }))).toEqual(['versions.prometheus: must be a release version such as 3.14.0']);
    expect(issues(installSettingsSchema.safeParse({ versions: { grafana: '12.0.0' } }))[0]).toMatch(/Unrecognized key/);
    expect(issues(runtimeField.safeParse('podman'))[0]).toMatch(/expected one of "native"\|"docker"/);
    expect(issues(dockerSettingsSchema.safeParse({ binary: 'docker', waitTimeoutSeconds: 5 }))).toEqual(['binary: must be an absolute path', 'waitTimeoutSeconds: Too small: expected number to be >=10']);
    expect(issues(dockerSettingsSchema.safeParse({ images: { prometheus: 'prom/prometheus:v3 ; rm' } }))[0]).toMatch(/^images.prometheus: must be an image reference/);
  });
});
