/**
 * A `binary` setting that cannot be used (issue 16.8): Lookout falls back to the binary it finds, and
 * the component's row says so (ComponentStatus.warning), not only `lookout doctor`. Real core, real
 * Debian binaries; nothing is started.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../main/core/core';
import { createLookout } from '../../main/index';
import { makeHome, type TestHome } from '../support/stack-env';

describe('a wrong stack.components.<id>.binary', () => {
  let env: TestHome;
  let core: Core;
  beforeAll(async () => {
    env = await makeHome(() => ({ stack: { components: { prometheus: { binary: '/nonexistent/prometheus' } } } }));
    core = createLookout({ mode: 'serve', home: env.home, logger: pino({ level: 'silent' }), notifier: null });
    await core.init();
  });
  afterAll(async () => {
    await core?.dispose({ stopStack: true });
    await env?.cleanup();
  });

  it("is named in the component's status, with the binary used instead", async () => {
    const snap = await core.handlers['stack:get']({});
    const prometheus = snap.components.find((c) => c.id === 'prometheus')!;
    expect(prometheus.binary).toBe('/usr/bin/prometheus');
    expect(prometheus.warning).toBe('stack.components.prometheus.binary (/nonexistent/prometheus) does not exist; using /usr/bin/prometheus instead');
    expect(snap.components.find((c) => c.id === 'alertmanager')!.warning).toBeNull();
  });
});
