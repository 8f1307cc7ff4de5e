import type { Site } from '../store/types.ts';

/**
 * A browser request must come from the site's own domain or one of its subdomains. Requests with
 * no Origin (servers, curl) pass: the check exists to stop other websites from sending events as
 * this one, which only browsers do.
 */
export function originAllowed(site: Site, origin: string | undefined): boolean {
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).hostname.toLowerCase();
  } catch {
    return false; // "null" and other opaque origins
  }
  return host === site.domain || host.endsWith(`.${site.domain}`);
}
