/**
 * The shared view a path opens: `/share/<token>` (a shared link) or `/<domain>` (a public site,
 * one path segment with a dot, which no page of the signed-in app has). Null for every other path.
 */
export function sharedKeyOf(pathname: string): string | null {
  const link = /^\/share\/([A-Za-z0-9_-]+)\/?$/.exec(pathname);
  if (link) return link[1]!;
  const domain = /^\/([^/]+\.[^/]+)$/.exec(pathname);
  if (!domain) return null;
  try {
    return decodeURIComponent(domain[1]!);
  } catch {
    return null;
  }
}
