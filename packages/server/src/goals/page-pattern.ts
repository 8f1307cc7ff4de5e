/**
 * Page path patterns of page goals and funnel steps: `*` matches any characters except `/` (one
 * path segment or part of one), `**` matches any characters; everything else matches itself and
 * the whole path must match (Plausible's page-goal rule, so goals move over unchanged).
 */
import { hasControlCharacter } from './text-checks.ts';

/** Why a pattern is refused, or null when it is usable. */
export function pagePatternProblem(pattern: string): string | null {
  if (pattern.length === 0) return 'must not be empty';
  if (pattern.length > 2_048) return 'must be at most 2048 characters';
  if (!pattern.startsWith('/') && !pattern.startsWith('*'))
    return 'must start with "/" (a path such as /checkout/*)';
  if (/\*{3,}/.test(pattern)) return 'use * (within a segment) or ** (across segments), not three or more';
  // Control characters and white space never appear in a stored pathname (URL parsing encodes them).
  if (/\s/.test(pattern) || hasControlCharacter(pattern))
    return 'must not contain white space or control characters';
  return null;
}

/** The anchored RE2/JS regular expression for a valid pattern; literal parts are escaped. */
export function pagePatternRegex(pattern: string): string {
  const parts = pattern.split(/(\*\*|\*)/);
  const body = parts
    .map((part) => {
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      return part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&');
    })
    .join('');
  return `^${body}$`;
}

/** True when the pattern has no wildcard: an equality test is enough (and cheaper). */
export function isLiteralPattern(pattern: string): boolean {
  return !pattern.includes('*');
}
