const STORAGE_KEY = 'warden.token';

/**
 * The web host hands the console its token as `?token=` in the URL. Keep it for this tab only
 * (sessionStorage) and take it out of the address bar, so it does not end up in bookmarks,
 * screenshots or the history.
 */
export function takeSessionToken(location: Location = window.location, history: History = window.history): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  return sessionStorage.getItem(STORAGE_KEY);
}
