import type { FieldError } from '../errors.ts';
import { eventLimits as L } from './limits.ts';

/** Caps of a heartbeat's own fields (the shared ones use `eventLimits`). */
export const heartbeatLimits = {
  pageviewIdMax: 128,
  /** A day: one pageview engaged for longer is a broken sender, not a reader. */
  engagedMsMax: 86_400_000,
} as const;

/** A heartbeat that passed validation. */
export interface ValidHeartbeat {
  readonly url: URL;
  readonly sessionId: string;
  readonly visitorId: string | null;
  readonly userId: string | null;
  readonly userAgent: string;
  readonly pageviewId: string;
  readonly engagedMs: number;
  readonly scrollDepth: number;
}

export type HeartbeatValidation =
  | { ok: true; heartbeat: ValidHeartbeat }
  | { ok: false; fields: FieldError[] };

/**
 * Checks a heartbeat body (`POST /e/heartbeat/{code}`), every problem at once, own properties only.
 * Identity fields follow the event rules (session_id, visitor_id, user_id, user_agent, url), so a
 * heartbeat lands on the visit its pageview did; the values are cumulative for the pageview.
 * Unknown fields are ignored, as on events (the tracker sends its device fields along).
 */
export function validateHeartbeat(body: Record<string, unknown>): HeartbeatValidation {
  // One array passed down rather than closures made per heartbeat (see validate.ts: under tsx
  // each named closure costs a defineProperty).
  const fields: FieldError[] = [];

  const sessionId = text(own(body, 'session_id'), 'session_id', L.sessionIdMin, L.sessionIdMax, true, fields);
  const userAgent = text(own(body, 'user_agent'), 'user_agent', 1, L.userAgentMax, true, fields);
  const pageviewId = text(
    own(body, 'pageview_id'),
    'pageview_id',
    1,
    heartbeatLimits.pageviewIdMax,
    true,
    fields,
  );
  const visitorId = text(
    own(body, 'visitor_id'),
    'visitor_id',
    L.visitorIdMin,
    L.visitorIdMax,
    false,
    fields,
  );
  const userId = text(own(body, 'user_id'), 'user_id', 1, L.userIdMax, false, fields);
  const url = webUrl(own(body, 'url'), fields);
  const engagedMs = integer(
    own(body, 'engaged_ms'),
    'engaged_ms',
    heartbeatLimits.engagedMsMax,
    true,
    fields,
  );
  const scrollDepth = integer(own(body, 'scroll_depth'), 'scroll_depth', 100, false, fields) ?? 0;

  if (fields.length > 0) return { ok: false, fields };
  return {
    ok: true,
    heartbeat: {
      url: url!,
      sessionId: sessionId!,
      visitorId,
      userId,
      userAgent: userAgent!,
      pageviewId: pageviewId!,
      engagedMs: engagedMs!,
      scrollDepth,
    },
  };
}

/** A problem with a field; only the first one per field is kept. */
function fail(fields: FieldError[], field: string, reason: string): void {
  if (!fields.some((item) => item.field === field)) fields.push({ field, reason });
}

/** The body's own property (never one inherited through `__proto__`). */
function own(body: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(body, key) ? body[key] : undefined;
}

function text(
  value: unknown,
  field: string,
  min: number,
  max: number,
  required: boolean,
  fields: FieldError[],
): string | null {
  if (value === undefined || value === null) {
    if (required) fail(fields, field, 'is required');
    return null;
  }
  if (typeof value !== 'string') fail(fields, field, 'must be a string');
  else if (required && value.trim() === '') fail(fields, field, 'must not be empty');
  else if (value.length > max) fail(fields, field, `must be at most ${max} characters`);
  else if (value.length < min) fail(fields, field, `must be at least ${min} characters`);
  else if (value.includes('\u0000')) fail(fields, field, 'must not contain NUL characters');
  // Lone surrogates become U+FFFD, as validate.ts does for events (DuckDB would store them so).
  else return value.replace(/\p{Cs}/gu, '\ufffd');
  return null;
}

function integer(
  value: unknown,
  field: string,
  max: number,
  required: boolean,
  fields: FieldError[],
): number | null {
  if (value === undefined || value === null) {
    if (required) fail(fields, field, 'is required');
    return null;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    fail(fields, field, `must be a whole number from 0 to ${max}`);
    return null;
  }
  return value;
}

function webUrl(value: unknown, fields: FieldError[]): URL | null {
  if (value === undefined || value === null || value === '') {
    fail(fields, 'url', 'is required');
    return null;
  }
  if (typeof value !== 'string') {
    fail(fields, 'url', 'must be a string');
    return null;
  }
  if (value.length > L.urlMax) {
    fail(fields, 'url', `must be at most ${L.urlMax} characters`);
    return null;
  }
  try {
    const parsed = new URL(value);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed;
    fail(fields, 'url', 'must be an http or https URL');
  } catch {
    fail(fields, 'url', 'must be an absolute URL such as https://example.com/page');
  }
  return null;
}
