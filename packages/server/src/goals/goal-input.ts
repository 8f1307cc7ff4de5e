/**
 * A goal as a person or client sends it (REST, dashboard, CLI), checked into a definition. Every
 * problem is reported at once, each with its field, as the ingest contract does.
 */
import type { FieldError } from '../errors.ts';
import { isCurrencyCode } from '../ingest/currencies.ts';
import { pagePatternProblem } from './page-pattern.ts';
import { hasControlCharacter } from './text-checks.ts';
import { type Goal, type GoalPropertyMatch, maxGoalProperties } from './types.ts';

/** A goal as defined by a person: everything but its id, site and creation time. */
export type GoalDefinition = Pick<
  Goal,
  'name' | 'kind' | 'eventName' | 'pagePath' | 'properties' | 'currency'
>;

export type GoalInputResult = { ok: true; goal: GoalDefinition } | { ok: false; fields: FieldError[] };

export const goalNameMax = 120;

/**
 * Wire shape: `{name?, type: "event"|"page", event_name?, page_path?, properties?, currency?}`.
 * `name` defaults to the event name or path; `properties` is an object of up to 3 string values.
 */
export function readGoalInput(body: unknown): GoalInputResult {
  const fields: FieldError[] = [];
  const fail = (field: string, reason: string) => fields.push({ field, reason });
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, fields: [{ field: '(body)', reason: 'must be a JSON object' }] };
  }
  const get = (key: string): unknown =>
    Object.hasOwn(body, key) ? (body as Record<string, unknown>)[key] : undefined;
  const type = get('type');
  let kind: 'event' | 'page' | null = null;
  if (type === 'event' || type === 'page') kind = type;
  else fail('type', 'must be "event" (an event name) or "page" (a page path)');

  const eventName = optionalString(get('event_name'), 'event_name', 200, fail);
  const pagePath = optionalString(get('page_path'), 'page_path', 2_048, fail);
  if (kind === 'event') {
    if (eventName === null) fail('event_name', 'is required for an event goal');
    else if (eventName === 'pageview')
      fail('event_name', 'a pageview is not an event goal; use type "page" with a page_path');
    if (pagePath !== null) fail('page_path', 'only page goals have a page_path');
  }
  if (kind === 'page') {
    if (pagePath === null) fail('page_path', 'is required for a page goal');
    else {
      const problem = pagePatternProblem(pagePath);
      if (problem) fail('page_path', problem);
    }
    if (eventName !== null) fail('event_name', 'only event goals have an event_name');
  }

  const properties = readProperties(get('properties'), kind, fail);
  const rawCurrency = get('currency');
  let currency: string | null = null;
  if (rawCurrency !== undefined && rawCurrency !== null && rawCurrency !== '') {
    if (typeof rawCurrency !== 'string' || !isCurrencyCode(rawCurrency.trim().toUpperCase())) {
      fail('currency', 'must be an ISO 4217 currency code in use, such as "USD" or "EUR"');
    } else if (kind === 'page') {
      fail('currency', 'only event goals can be revenue goals');
    } else currency = rawCurrency.trim().toUpperCase();
  }

  const explicitName = optionalString(get('name'), 'name', goalNameMax, fail);
  const name = readGoalName(explicitName ?? eventName ?? pagePath, fail);
  if (fields.length > 0 || kind === null || name === null) return { ok: false, fields };
  return { ok: true, goal: { name, kind, eventName, pagePath, properties, currency } };
}

/** A display name: trimmed, 1–120 characters, no control characters. */
export function readGoalName(value: unknown, fail: (field: string, reason: string) => void): string | null {
  if (value === undefined || value === null) {
    fail('name', 'is required');
    return null;
  }
  if (typeof value !== 'string') {
    fail('name', 'must be a string');
    return null;
  }
  const name = value.trim();
  if (name.length === 0) fail('name', 'must not be empty');
  else if (name.length > goalNameMax) fail('name', `must be at most ${goalNameMax} characters`);
  else if (hasControlCharacter(name)) fail('name', 'must not contain control characters');
  else return name;
  return null;
}

function optionalString(
  value: unknown,
  field: string,
  max: number,
  fail: (field: string, reason: string) => void,
): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') {
    fail(field, 'must be a string');
    return null;
  }
  if (value.length > max) {
    fail(field, `must be at most ${max} characters`);
    return null;
  }
  return value;
}

function readProperties(
  value: unknown,
  kind: 'event' | 'page' | null,
  fail: (field: string, reason: string) => void,
): GoalPropertyMatch[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    fail('properties', 'must be an object of property values, e.g. {"plan": "pro"}');
    return [];
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return [];
  if (kind === 'page') {
    fail('properties', 'only event goals match properties');
    return [];
  }
  if (entries.length > maxGoalProperties) {
    fail('properties', `at most ${maxGoalProperties} property matches`);
    return [];
  }
  const matches: GoalPropertyMatch[] = [];
  for (const [key, item] of entries) {
    if (key.length === 0 || key.length > 100)
      fail(`properties.${key.slice(0, 100)}`, 'keys must be 1 to 100 characters');
    else if (typeof item === 'string' && item.length <= 1_000) matches.push({ key, value: item });
    else if (typeof item === 'number' && Number.isFinite(item)) matches.push({ key, value: String(item) });
    else if (typeof item === 'boolean') matches.push({ key, value: item ? 'true' : 'false' });
    else fail(`properties.${key}`, 'must be a string (at most 1000 characters), number or boolean');
  }
  return matches;
}
