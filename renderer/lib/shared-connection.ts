import type { Api } from '../../common/ipc';

/**
 * One live connection of a store to main, shared by everyone who connects it with the same api: the page's
 * boot connects the first screen's stores before React has loaded, and the views connect them again when
 * they mount. Only the first caller opens the connection; it closes when the last cleanup has run.
 * Connecting with another api closes the old connection first.
 */
export function sharedConnection(open: (api: Api) => () => void): (api: Api) => () => void {
  let current: { api: Api; close: () => void; users: number } | null = null;
  return (api) => {
    if (current && current.api !== api) {
      current.close();
      current = null;
    }
    current ??= { api, close: open(api), users: 0 };
    const conn = current;
    conn.users++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      conn.users--;
      if (conn.users === 0 && current === conn) {
        current = null;
        conn.close();
      }
    };
  };
}
