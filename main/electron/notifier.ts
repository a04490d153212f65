import { Notification } from 'electron';
import type { NotificationAction, Notifier } from '../core/alerts/ports';

const ACTION_LABELS: Record<NotificationAction, string> = { ack: 'Acknowledge', snooze: 'Snooze 1 h' };

/**
 * Native notifications in the menubar app (the Notifier port; browser mode uses node-notifier). macOS
 * shows the actions as buttons (Acknowledge, Snooze 1 h); a click opens the alert's Grafana view
 * through `open`, which goes through the app's URL allowlist, or the popover when there is no link.
 */
export function createElectronNotifier(opts: { open(url: string | null): void }): Notifier {
  // Electron drops a Notification's event handlers when the object is garbage-collected; keep it until it closes.
  const live = new Set<Notification>();
  return {
    async notify(n, onAction) {
      if (!Notification.isSupported()) throw new Error('this system does not support desktop notifications');
      const note = new Notification({
        title: n.title,
        body: n.body,
        silent: n.severity !== 'critical',
        urgency: n.severity === 'critical' ? 'critical' : 'normal',
        timeoutType: n.severity === 'critical' ? 'never' : 'default',
        actions: n.actions.map((a) => ({ type: 'button' as const, text: ACTION_LABELS[a] })),
      });
      note.on('click', () => opts.open(n.url));
      note.on('action', (_event, index) => {
        const action = n.actions[index];
        if (action) onAction(action);
      });
      note.on('close', () => live.delete(note));
      note.on('failed', () => live.delete(note));
      live.add(note);
      note.show();
    },
  };
}
