import { execFileSync } from 'node:child_process';

/**
 * Make a directory refuse new entries and renames, for tests of I/O failures. Root ignores file modes,
 * and the CI machines run tests as root, so there it is `chattr +i` (immutable, which binds root too);
 * elsewhere a read-only mode does the same.
 */
export function lockDir(target: string): void {
  if (process.getuid?.() === 0) execFileSync('chattr', ['+i', target]);
  else execFileSync('chmod', ['0555', target]);
}

export function unlockDir(target: string): void {
  if (process.getuid?.() === 0) execFileSync('chattr', ['-i', target]);
  else execFileSync('chmod', ['0755', target]);
}
