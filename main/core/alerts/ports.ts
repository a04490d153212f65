/**
 * Ports of the alerting core: how it shows a notification and where it keeps the receivers' secrets.
 * Browser mode uses node-notifier and files (main/core/adapters); in the menubar app the core runs in a
 * utilityProcess and asks the shell, over its parent port, for native notifications with actions and for
 * safeStorage encryption (main/core-host/parent-link.ts). The composition root picks.
 */
import type { DesktopNotification, NotificationAction } from '../../../common/core-host';
import type { SecretName, SecretsStatus } from '../../../common/model';

// The notification itself is part of the shell ↔ core host contract (the menubar app shows it in its
// main process), so its type lives in common/.
export type { DesktopNotification, NotificationAction } from '../../../common/core-host';

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

/**
 * Encrypts secrets at rest (the menubar app: Electron's safeStorage, whose key the macOS Keychain holds,
 * reached from the core host through the shell). Blobs are opaque bytes.
 */
export interface SecretCipher {
  /** False where there is nothing to encrypt with (no keychain); set() then refuses. */
  available(): Promise<boolean>;
  encrypt(plain: string): Promise<Uint8Array>;
  decrypt(blob: Uint8Array): Promise<string>;
}
