import { safeStorage } from 'electron';
import type { SecretCipher } from '../core/alerts/ports';

/**
 * safeStorage as the core host's cipher for receiver secrets (main/core/adapters/encrypted-secrets.ts):
 * only Electron's main process can reach it, so the core host asks for it over its parent port. The
 * macOS Keychain holds the key.
 */
export function safeStorageCipher(): SecretCipher {
  return {
    available: async () => safeStorage.isEncryptionAvailable(),
    encrypt: async (plain) => safeStorage.encryptString(plain),
    decrypt: async (blob) => safeStorage.decryptString(Buffer.from(blob)),
  };
}
