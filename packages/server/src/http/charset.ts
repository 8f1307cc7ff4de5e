/**
 * The charset a Content-Type declares. Bodies are decoded as UTF-8 and nothing else, so a body
 * declared `charset=utf-16` or `iso-8859-1` would be read as the wrong characters; such bodies
 * are refused (415) instead of guessed at.
 */

/** The `charset` parameter, lower-cased and unquoted; null when the header has none. */
export function declaredCharset(contentType: string | undefined): string | null {
  if (contentType === undefined) return null;
  const parameters = contentType.split(';').slice(1);
  for (const parameter of parameters) {
    const equals = parameter.indexOf('=');
    if (equals === -1) continue;
    if (parameter.slice(0, equals).trim().toLowerCase() !== 'charset') continue;
    let value = parameter.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value.trim().toLowerCase();
  }
  return null;
}

/** UTF-8 under its registered name or the common `utf8` spelling; an absent charset means UTF-8. */
export function declaresUtf8(contentType: string | undefined): boolean {
  const charset = declaredCharset(contentType);
  return charset === null || charset === 'utf-8' || charset === 'utf8';
}
