/**
 * A URL as it may be shown (errors, logs, run state): a password in its userinfo becomes `***`.
 * A URL without a password is returned unchanged.
 */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not parseable as a URL, but it may still carry `//user:password@`.
    return text.replace(/(\/\/[^:/@\s]*:)[^@\s]*@/g, '$1***@');
  }
  if (!url.password) return text;
  url.password = '***';
  return url.href;
}

/** Every URL with a password inside free text (an error message), redacted. */
export function redactUrlsIn(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]*@[^\s'"<>]*/gi, (found) => redactUrl(found));
}
