import type { InstallFailure, InstallFailureKind } from '../../../common/install';

/** An install failure with its category and fix; what every installer rejects with. */
export class InstallError extends Error implements InstallFailure {
  constructor(
    readonly kind: InstallFailureKind,
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'InstallError';
  }

  toJSON(): InstallFailure {
    return { kind: this.kind, message: this.message, fix: this.fix };
  }
}

const MIRROR_FIX = 'or set install.mirror to a reachable mirror of the release downloads';

/**
 * A network error (Node's errno codes) as an InstallError naming the host. Anything unrecognised is a
 * generic `network` failure that keeps the system's own words.
 */
export function networkFailure(err: unknown, url: string): InstallError {
  if (err instanceof InstallError) return err;
  const e = err as NodeJS.ErrnoException;
  const host = safeHost(url);
  switch (e.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new InstallError('dns', `could not resolve ${host} (${e.code}): no network, or DNS is not answering`, `check the network connection and try again, ${MIRROR_FIX}`);
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
    case 'ENETDOWN':
      return new InstallError('offline', `no route to ${host} (${e.code}): this machine seems to be offline`, `connect to a network and try again, ${MIRROR_FIX}`);
    case 'ECONNREFUSED':
      return new InstallError('refused', `${host} refused the connection (ECONNREFUSED)`, `check that the server (or proxy) is up, ${MIRROR_FIX}`);
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return new InstallError('timeout', `${host} did not answer in time (${e.code})`, 'try again on a better connection; a partial download resumes where it stopped');
    default:
      return new InstallError(
        'network',
        `the download from ${host} failed: ${e.code ? `${e.code} ` : ''}${e.message ?? String(err)}`,
        'try again; a partial download resumes where it stopped',
      );
  }
}

/** A file-system error while writing `target` (download, unpack, switch) as an InstallError; null when not one we name. */
export function fsFailure(err: unknown, target: string): InstallError | null {
  if (err instanceof InstallError) return err;
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new InstallError('disk-full', `the disk is full (${e.code}) while writing ${target}`, 'free some disk space and try again');
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new InstallError(
        'permission',
        `permission denied (${e.code}) writing ${target}`,
        `make ${target} writable by this user (Lookout writes only inside its home directory, LOOKOUT_HOME)`,
      );
    default:
      return null;
  }
}

/** The user cancelled: every installer rejects with this once its signal aborts. */
export const cancelled = (what: string) => new InstallError('cancelled', `${what} was cancelled; nothing was installed`, 'start the install again when ready');

/** Throw `cancelled` if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw cancelled(what);
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
