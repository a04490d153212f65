/**
 * A stand-in for the core host (main/core-host/main.ts) without a core: it speaks the same contract
 * through the real parent link (main/core-host/parent-link.ts), announces a made-up endpoint, and asks
 * its parent to show one notification. When a button of it comes back, it asks for a second one titled
 * with the button, so the parent's test can see the round trip. Forked by test/integration/core-process.test.ts.
 */
import { createParentLink, processParentPort } from '../../main/core-host/parent-link';

const port = processParentPort();
if (!port) throw new Error('run me with child_process.fork');
const link = createParentLink(port);
link.onStop(() => process.exit(0));
await link.ready({ url: 'http://127.0.0.1:1', token: 'stand-in', pid: process.pid });
await link.notifier.notify(
  { id: 'firing:ServiceDown|llm|critical:1', kind: 'firing', severity: 'critical', title: 'ServiceDown: llm', body: 'llm is down', url: null, actions: ['ack', 'snooze'] },
  (action) => void link.notifier.notify({ id: `pressed:${action}`, kind: 'summary', severity: null, title: `pressed ${action}`, body: '', url: null, actions: [] }, () => undefined),
);
