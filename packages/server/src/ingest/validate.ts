import type { FieldError } from '../errors.ts';
import { eventLimits as L } from './limits.ts';
import { readRevenue } from './revenue.ts';
import type { ValidEvent } from './types.ts';
import { type WebUrl, webUrl } from './url-parts.ts';

export type ValidationResult = { ok: true; event: ValidEvent } | { ok: false; fields: FieldError[] };

const requiredStrings = ['session_id', 'url', 'device_type', 'browser', 'os', 'user_agent'] as const;

/**
 * Checks one event body against the ingest contract. Collects every problem rather than stopping
 * at the first, so a sender fixes them all in one round. Reads only own properties, so a body
 * carrying `__proto__` or `constructor` cannot reach anything but its own data.
 */
export function validateEvent(body: Record<string, unknown>): ValidationResult {
  // Problems go into one array passed down, not through a closure made per event: under tsx each
  // named closure costs an `Object.defineProperty` (its name), on the hottest path of the service.
  const fields: FieldError[] = [];

  for (const key of requiredStrings) {
    const value = own(body, key);
    if (value === undefined || value === null) fail(fields, key, 'is required');
    else if (typeof value !== 'string') fail(fields, key, 'must be a string');
    else if (value.trim() === '') fail(fields, key, 'must not be empty');
  }

  const sessionId = text(own(body, 'session_id'), 'session_id', L.sessionIdMin, L.sessionIdMax, fields);
  const deviceType = text(own(body, 'device_type'), 'device_type', 1, L.shortFieldMax, fields);
  const browser = text(own(body, 'browser'), 'browser', 1, L.shortFieldMax, fields);
  const os = text(own(body, 'os'), 'os', 1, L.shortFieldMax, fields);
  const userAgent = text(own(body, 'user_agent'), 'user_agent', 1, L.userAgentMax, fields);
  const url = httpUrl(own(body, 'url'), 'url', L.urlMax, fields);

  const rawReferrer = own(body, 'referrer');
  let referrer: WebUrl | null = null;
  if (rawReferrer !== undefined && rawReferrer !== null && rawReferrer !== '') {
    if (typeof rawReferrer !== 'string') fail(fields, 'referrer', 'must be a string (a URL, or empty)');
    else referrer = httpUrl(rawReferrer, 'referrer', L.referrerMax, fields);
  }

  const visitorId = optionalText(
    own(body, 'visitor_id'),
    'visitor_id',
    L.visitorIdMin,
    L.visitorIdMax,
    fields,
  );
  const eventId = optionalText(own(body, 'event_id'), 'event_id', 1, L.eventIdMax, fields);

  const rawType = own(body, 'event_type');
  let eventType: 'pageview' | 'custom' = 'pageview';
  if (rawType === 'custom') eventType = 'custom';
  else if (rawType !== undefined && rawType !== null && rawType !== 'pageview') {
    fail(fields, 'event_type', 'must be "pageview" or "custom"');
  }

  let eventName = 'pageview';
  if (eventType === 'custom') {
    const rawName = own(body, 'event_name');
    if (rawName === undefined || rawName === null || rawName === '') {
      fail(fields, 'event_name', 'is required when event_type is "custom"');
    } else {
      eventName = text(rawName, 'event_name', 1, L.eventNameMax, fields) ?? '';
    }
  }

  const rawProperties = own(body, 'properties');
  const rawRevenue = own(body, 'revenue');
  const { keys: propKeys, values: propValues } = properties(rawProperties, fields);
  const revenue = readRevenue(rawRevenue, rawProperties, (field, reason) => fail(fields, field, reason));
  normaliseCurrencyProperty(propKeys, propValues, revenue, rawRevenue);
  const userId = optionalText(own(body, 'user_id'), 'user_id', 1, L.userIdMax, fields);
  // Plausible's flag: `false` keeps a custom event from ending a bounce; absent (or null) is true.
  const rawInteractive = own(body, 'interactive');
  if (rawInteractive !== undefined && rawInteractive !== null && typeof rawInteractive !== 'boolean') {
    fail(fields, 'interactive', 'must be true or false');
  }

  if (fields.length > 0) return { ok: false, fields: dedupeFields(fields) };
  return {
    ok: true,
    event: {
      eventType,
      eventName,
      url: url!,
      referrer,
      sessionId: sessionId!,
      visitorId,
      deviceType: deviceType!,
      browser: browser!,
      os: os!,
      userAgent: userAgent!,
      propKeys,
      propValues,
      eventId,
      revenue: revenue ?? null,
      userId,
      interactive: rawInteractive !== false,
    },
  };
}

function fail(fields: FieldError[], field: string, reason: string): void {
  fields.push({ field, reason });
}

/** The body's own property (never one inherited through `__proto__`). */
function own(body: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(body, key) ? body[key] : undefined;
}

/** A string within bounds; problems of absence and type are reported by the required check. */
function text(value: unknown, field: string, min: number, max: number, fields: FieldError[]): string | null {
  if (typeof value !== 'string') {
    if (value !== undefined && value !== null && !requiredStrings.includes(field as never)) {
      fail(fields, field, 'must be a string');
    }
    return null;
  }
  if (value.length > max) fail(fields, field, `must be at most ${max} characters`);
  else if (value.length < min) fail(fields, field, `must be at least ${min} characters`);
  else if (value.includes('\u0000')) fail(fields, field, 'must not contain NUL characters');
  else return wellFormed(value);
  return null;
}

/**
 * Lone UTF-16 surrogates (valid in JSON, not in UTF-8) become U+FFFD here, as DuckDB would store
 * them anyway: otherwise two ids that differ only there are distinct in the dedupe window but one
 * in the file, and an `event_id` would not match itself after a restart.
 */
function wellFormed(value: string): string {
  // Fast path: almost every string is already well formed, and the check is far cheaper than a
  // regex replace (runs ~10 times per event). `isWellFormed` is ES2024 (Node >= 20), beyond our lib.
  if ((value as string & { isWellFormed(): boolean }).isWellFormed()) return value;
  return value.replace(/\p{Cs}/gu, '\ufffd');
}

function optionalText(
  value: unknown,
  field: string,
  min: number,
  max: number,
  fields: FieldError[],
): string | null {
  if (value === undefined || value === null) return null;
  return text(value, field, min, max, fields);
}

function httpUrl(value: unknown, field: string, max: number, fields: FieldError[]): WebUrl | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  if (value.length > max) {
    fail(fields, field, `must be at most ${max} characters`);
    return null;
  }
  const read = webUrl(value);
  if (read === 'not absolute')
    fail(fields, field, 'must be an absolute URL such as https://example.com/page');
  else if (read === 'not http') fail(fields, field, 'must be an http or https URL');
  else return read;
  return null;
}

function properties(value: unknown, fields: FieldError[]): { keys: string[]; values: string[] } {
  const keys: string[] = [];
  const values: string[] = [];
  if (value === undefined || value === null) return { keys, values };
  if (typeof value !== 'object' || Array.isArray(value)) {
    fail(fields, 'properties', 'must be an object of string, number or boolean values');
    return { keys, values };
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > L.propertiesMaxKeys) {
    fail(fields, 'properties', `must have at most ${L.propertiesMaxKeys} keys`);
    return { keys, values };
  }
  for (const [key, item] of entries) {
    const field = `properties.${key.slice(0, L.propertyKeyMax)}`;
    if (key.length === 0 || key.length > L.propertyKeyMax) {
      fail(fields, field, `keys must be 1 to ${L.propertyKeyMax} characters`);
      continue;
    }
    if (key.includes('\u0000')) {
      fail(fields, field, 'keys must not contain NUL characters');
      continue;
    }
    let stored: string;
    if (typeof item === 'string') {
      if (item.length > L.propertyValueMax) {
        fail(fields, field, `must be at most ${L.propertyValueMax} characters`);
        continue;
      }
      if (item.includes('\u0000')) {
        fail(fields, field, 'must not contain NUL characters');
        continue;
      }
      stored = item;
    } else if (typeof item === 'number') {
      if (!Number.isFinite(item)) {
        fail(fields, field, 'must be a finite number');
        continue;
      }
      stored = String(item);
    } else if (typeof item === 'boolean') {
      stored = item ? 'true' : 'false';
    } else {
      fail(fields, field, 'must be a string, number or boolean (no nesting, no null)');
      continue;
    }
    keys.push(wellFormed(key));
    values.push(wellFormed(stored));
  }
  return { keys, values };
}

/**
 * When the revenue came from `properties.currency`, that property is stored as the normalised code
 * too, so a breakdown by it shows `EUR` once rather than `EUR` and `eur`.
 */
function normaliseCurrencyProperty(
  keys: string[],
  values: string[],
  revenue: { currency: string } | null | undefined,
  topLevel: unknown,
): void {
  if (!revenue || (topLevel !== undefined && topLevel !== null)) return;
  const index = keys.indexOf('currency');
  if (index >= 0) values[index] = revenue.currency;
}

/** A field that is missing is not also reported as too short. */
function dedupeFields(fields: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return fields.filter((item) => {
    if (seen.has(item.field)) return false;
    seen.add(item.field);
    return true;
  });
}
