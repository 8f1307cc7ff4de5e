/**
 * Parses a `Retry-After` header (RFC 9110 §10.2.3) into milliseconds from `nowMs`: either a
 * non-negative integer of seconds or an HTTP-date. Returns null when absent or unreadable, so the
 * caller falls back to its own backoff. A date in the past means "now" (0). Pure.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : null;
  }
  // Only the HTTP-date shapes; Date.parse alone would also accept "5" or "2026" as dates.
  if (!/^[A-Za-z]{3},? /.test(text) && !/^[A-Za-z]+day, /.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}
