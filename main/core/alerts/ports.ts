/**
 * Ports of the alerting core: how it shows a notification and where it keeps the receivers' secrets.
 * Browser mode uses node-notifier and files (main/core/adapters); the Electron app uses native
 * notifications with actions and safeStorage (main/electron). The composition root picks.
 */
import type { AlertSeverity, SecretName, SecretsStatus } from '../../../common/model';

/** What a notification's buttons do (Electron shows them; node-notifier cannot). */
export type NotificationAction = 'ack' | 'snooze';

/** One desktop notification as the policy decided it. */
export interface DesktopNotification {
  /** Stable per notification, e.g. `firing:ServiceDown|llm|critical:1700000000000`. */
  id: string;
  kind: 'firing' | 'resolved' | 'summary';
  /** Most severe alert it covers; null for a summary of mixed changes. */
  severity: AlertSeverity | null;
  title: string;
  body: string;
  /** Where a click goes: a 127.0.0.1 Grafana URL; null means "open Lookout's popover". */
  url: string | null;
  /** Buttons to offer; empty for resolved and summary notifications. */
  actions: NotificationAction[];
}

/** Shows notifications. Resolves once handed to the OS; rejects with a reason a user can act on. */
export interface Notifier {
  notify(notification: DesktopNotification, onAction: (action: NotificationAction) => void): Promise<void>;
}

/**
 * Keeps the receivers' secrets. Whatever the store, each secret also ends up as a 0600 file under
 * $LOOKOUT_HOME/secrets (see secret-files.ts), because Alertmanager reads it from there.
 * There is deliberately no way to read a secret back.
 */
export interface Secrets {
  set(name: SecretName, value: string): Promise<void>;
  clear(name: SecretName): Promise<void>;
  status(): Promise<SecretsStatus>;
}
