import { shell } from 'electron';
import type { Logger } from 'pino';

/**
 * The only way the menubar app opens a URL outside itself: through the core's allowlist (the URLs
 * its link builders make), never whatever a page asks for. Returns whether the URL was opened.
 */
export function createExternalOpener(isAllowed: (url: string) => boolean, logger: Logger): (url: string) => Promise<boolean> {
  return async (url) => {
    if (!isAllowed(url)) {
      logger.warn({ url }, 'refused to open a URL outside the allowlist');
      return false;
    }
    await shell.openExternal(url);
    return true;
  };
}
