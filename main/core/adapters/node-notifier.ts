import notifier from 'node-notifier';
import type { Notifier } from '../alerts/ports';

/** Control characters would break the one-line `notify-send` command node-notifier builds. */
const clean = (s: string) =>
  [...s]
    .map((ch) => (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? ' ' : ch))
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim();

/**
 * Notifications in browser mode through node-notifier: `notify-send` from PATH on Linux, the bundled
 * terminal-notifier on macOS (which opens `url` on click). Neither offers action buttons here, so
 * ack and snooze happen in the UI; the Electron adapter (main/electron/notifier.ts) has buttons.
 */
export function createNodeNotifier(): Notifier {
  return {
    notify(n) {
      const options: Record<string, unknown> = {
        title: clean(n.title),
        message: clean(n.body) || ' ',
        // notify-send flags (ignored elsewhere): critical ones stay until dismissed.
        urgency: n.severity === 'critical' ? 'critical' : 'normal',
        'app-name': 'Lookout',
        // terminal-notifier (macOS): a click opens the alert's Grafana view.
        ...(n.url ? { open: n.url } : {}),
        wait: false,
      };
      return new Promise<void>((resolve, reject) => {
        notifier.notify(options as notifier.Notification, (err: Error | null) => {
          if (err) reject(new Error(`desktop notification failed: ${err.message.trim()}`));
          else resolve();
        });
      });
    },
  };
}
