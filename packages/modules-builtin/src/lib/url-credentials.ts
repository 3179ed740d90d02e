// User information in URLs (`https://user:pass@host/`): taken out before a URL is requested, logged or returned.

/** Basic-auth credentials written into a URL. */
export interface UrlCredentials {
  username: string;
  password: string;
}

/** A copy of `url` without user information. */
export function withoutCredentials(url: URL): URL {
  const bare = new URL(url.href);
  bare.username = '';
  bare.password = '';
  return bare;
}

/** The user information of `url` (percent-decoded), or undefined when it has none. */
export function credentialsOf(url: URL): UrlCredentials | undefined {
  if (url.username === '' && url.password === '') return undefined;
  return { username: percentDecoded(url.username), password: percentDecoded(url.password) };
}

/** Text that may hold a URL that could not be parsed, with anything between `//` and `@` removed. */
export function hideCredentialsIn(text: string): string {
  return text.replace(/\/\/[^/?#\s]*@/g, '//');
}

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
