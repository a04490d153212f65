import { describe, expect, it } from 'vitest';
import { CORE_HOST_PROTOCOL, describeDropped, parseHostMessage, parseShellMessage, type DesktopNotification } from './core-host';

const notification: DesktopNotification = {
  id: 'firing:ServiceDown|llm|critical:1700000000000',
  kind: 'firing',
  severity: 'critical',
  title: 'ServiceDown: llm',
  body: 'llm has been down for 1 m',
  url: 'http://127.0.0.1:3000/d/lookout-services',
  actions: ['ack', 'snooze'],
};

describe('parseHostMessage (core host → shell)', () => {
  it('accepts the handshake and each request the contract names', () => {
    const ready = { kind: 'ready', protocol: CORE_HOST_PROTOCOL, url: 'http://127.0.0.1:9469', token: 'abc', pid: 42 };
    expect(parseHostMessage(ready)).toEqual(ready);
    expect(parseHostMessage({ kind: 'failed', message: 'port in use', retry: true })).toEqual({ kind: 'failed', message: 'port in use', retry: true });
    for (const [method, params] of [
      ['notify', { notification }],
      ['notify', { notification: { ...notification, severity: null, url: null, actions: [] } }],
      ['cipher:available', {}],
      ['cipher:encrypt', { plain: 'hunter2' }],
      ['cipher:decrypt', { blob: 'aGk=' }],
    ] as const) {
      expect(parseHostMessage({ kind: 'request', id: 7, method, params }), method).toEqual({ kind: 'request', id: 7, method, params });
    }
  });

  it('refuses a ready whose URL is not loopback, or without token or pid', () => {
    const ready = { kind: 'ready', protocol: 1, url: 'http://127.0.0.1:9469', token: 'abc', pid: 42 };
    expect(parseHostMessage({ ...ready, url: 'http://example.com:9469' })).toBeNull();
    expect(parseHostMessage({ ...ready, url: 'http://127.0.0.1:9469/x' })).toBeNull();
    expect(parseHostMessage({ ...ready, token: '' })).toBeNull();
    expect(parseHostMessage({ ...ready, pid: 0 })).toBeNull();
    expect(parseHostMessage({ ...ready, protocol: '1' })).toBeNull();
  });

  it('refuses unknown methods, extra fields, bad ids and malformed notifications', () => {
    const request = (method: string, params: unknown, id: unknown = 1) => parseHostMessage({ kind: 'request', id, method, params });
    expect(request('shell:exec', { command: 'rm -rf /' })).toBeNull();
    expect(request('toString', {})).toBeNull();
    expect(request('cipher:encrypt', { plain: 'x', extra: 1 })).toBeNull();
    expect(request('cipher:encrypt', { plain: 1 })).toBeNull();
    expect(request('cipher:available', {}, 0)).toBeNull();
    expect(request('cipher:available', {}, 1.5)).toBeNull();
    expect(request('notify', { notification: { ...notification, actions: ['delete'] } })).toBeNull();
    expect(request('notify', { notification: { ...notification, severity: 'fatal' } })).toBeNull();
    expect(request('notify', { notification: { ...notification, url: 42 } })).toBeNull();
    expect(request('notify', { notification: { ...notification, extra: true } })).toBeNull();
    expect(parseHostMessage({ kind: 'failed', message: 'x' })).toBeNull();
    expect(parseHostMessage(null)).toBeNull();
    expect(parseHostMessage('ready')).toBeNull();
    expect(parseHostMessage([])).toBeNull();
  });
});

describe('parseShellMessage (shell → core host)', () => {
  it('accepts answers, notification actions and stop', () => {
    expect(parseShellMessage({ kind: 'response', id: 3, ok: true, result: { blob: 'x' } })).toEqual({ kind: 'response', id: 3, ok: true, result: { blob: 'x' } });
    expect(parseShellMessage({ kind: 'response', id: 3, ok: false, error: { message: 'no keychain', code: 'unavailable' } })).toEqual({
      kind: 'response',
      id: 3,
      ok: false,
      error: { message: 'no keychain', code: 'unavailable' },
    });
    expect(parseShellMessage({ kind: 'response', id: 3, ok: false, error: { message: 'no keychain' } })).toEqual({ kind: 'response', id: 3, ok: false, error: { message: 'no keychain' } });
    expect(parseShellMessage({ kind: 'notification:action', requestId: 9, action: 'snooze' })).toEqual({ kind: 'notification:action', requestId: 9, action: 'snooze' });
    expect(parseShellMessage({ kind: 'stop' })).toEqual({ kind: 'stop' });
  });

  it('refuses what does not fit', () => {
    expect(parseShellMessage({ kind: 'response', id: 3, ok: false, error: 'boom' })).toBeNull();
    expect(parseShellMessage({ kind: 'response', id: -1, ok: true })).toBeNull();
    expect(parseShellMessage({ kind: 'response', id: 3 })).toBeNull();
    expect(parseShellMessage({ kind: 'notification:action', requestId: 9, action: 'delete' })).toBeNull();
    expect(parseShellMessage({ kind: 'eval', code: '1' })).toBeNull();
  });
});

describe('describeDropped', () => {
  it('names the kind and method, never the content (a dropped request may carry a secret)', () => {
    const text = describeDropped({ kind: 'request', id: 1, method: 'cipher:encrypt', params: { plain: 'hunter2', extra: 1 } });
    expect(text).toContain('request');
    expect(text).toContain('cipher:encrypt');
    expect(text).not.toContain('hunter2');
    expect(describeDropped(null)).toContain('null');
  });
});
