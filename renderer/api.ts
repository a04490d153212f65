/**
 * The renderer's single door to main. In Electron the preload has put a typed `api` on window;
 * in browser mode (`lookout serve`) the same `Api` is built over HTTP + server-sent events.
 */
import { API_GLOBAL, type Api } from '../common/ipc';
import { createHttpClient } from '../common/http-client';

export { ApiError } from '../common/http-client';

/** Either a usable api, or the reason there is none (browser mode opened without a token). */
export type ApiResolution = { kind: 'ready'; api: Api; transport: 'electron' | 'http' } | { kind: 'no-token' };

const TOKEN_KEY = 'lookout.token';

/**
 * The API token for browser mode. `lookout serve` prints a URL with `#token=…`: the fragment never
 * reaches the server's logs or a Referer header. It is moved to sessionStorage (survives a reload of
 * this tab only) and wiped from the visible URL so it does not end up in history or a screenshot.
 */
export function takeToken(loc: Location = location, storage: Storage = sessionStorage, hist: History = history): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(loc.hash);
  if (match?.[1]) {
    const token = decodeURIComponent(match[1]);
    storage.setItem(TOKEN_KEY, token);
    hist.replaceState(hist.state, '', loc.pathname + loc.search);
    return token;
  }
  return storage.getItem(TOKEN_KEY);
}

/** Pick the preload's api when running in Electron, else build the HTTP client from the URL's token. */
export function resolveApi(): ApiResolution {
  const injected = (window as unknown as Record<string, unknown>)[API_GLOBAL] as Api | undefined;
  if (injected) return { kind: 'ready', api: injected, transport: 'electron' };
  const token = takeToken();
  if (!token) return { kind: 'no-token' };
  return { kind: 'ready', api: createHttpClient({ token, baseUrl: location.origin }), transport: 'http' };
}
