import notifier from 'node-notifier';
import type { Notifier } from '../alerts/ports';
import { installAdvice, toolNotFound } from '../missing-tool';

/**
 * node-notifier says a missing notify-send two ways: `which`'s "not found: notify-send" on the first
 * call, "notify-send must be installed on the system." on every later one (it caches the miss). The
 * user gets Lookout's one wording either way.
 */
export function notifierError(message: string, platform: NodeJS.Platform = process.platform): string {
  const text = message.trim();
  if (/^not found: notify-send$|^notify-send must be installed/.test(text)) {
    return toolNotFound('notify-send', { install: installAdvice({ brew: 'brew install libnotify', apt: 'apt-get install libnotify-bin' }, platform) });
  }
  return text;
}

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
export function createNodeNotifier(opts: { platform?: NodeJS.Platform } = {}): Notifier {
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
          if (err) reject(new Error(`desktop notification failed: ${notifierError(err.message, opts.platform)}`));
          else resolve();
        });
      });
    },
  };
}
