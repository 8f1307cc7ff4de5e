/**
 * JSON schemas of the goals routes (routes/goals.ts), kept beside the shared ones in schemas.ts.
 * The request body is documented but deliberately not typed here: `readGoalInput` checks it and
 * reports every problem with its field at once, the same way the dashboard and the CLI do, and
 * Ajv's type coercion would otherwise turn a number into a string before that check sees it.
 */
import { errorResponses, isoDateTime, rateLimitHeaders, responses } from './schemas.ts';

const nullableString = { type: ['string', 'null'] } as const;

export const goalSchema = {
  type: 'object',
  required: ['id', 'name', 'type', 'event_name', 'page_path', 'properties', 'currency', 'created_at'],
  properties: {
    id: { type: 'string', description: '`g_` + 16 characters; stable across renames.' },
    name: { type: 'string', description: 'Display name, unique per website; what event:goal filters use.' },
    type: { type: 'string', enum: ['event', 'page'] },
    event_name: { ...nullableString, description: 'Event goals: the custom event name.' },
    page_path: {
      ...nullableString,
      description: 'Page goals: a path; `*` = any characters but `/`, `**` = any characters.',
    },
    properties: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Event goals: up to 3 property values the event must carry.',
    },
    currency: { ...nullableString, description: 'ISO 4217: a revenue goal, reported in this currency.' },
    created_at: isoDateTime,
  },
} as const;

export const goalIdParams = {
  type: 'object',
  required: ['id', 'goalId'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200, description: 'The website id.' },
    goalId: { type: 'string', minLength: 1, maxLength: 200, description: 'The goal id (`g_…`).' },
  },
} as const;

export const goalCreateBody = {
  type: 'object',
  description: 'Checked field by field; every problem is reported at once in error.fields.',
  properties: {
    type: { description: '"event" (an event name) or "page" (a page path). Required.' },
    name: { description: 'Display name, 1–120 characters; defaults to the event name or path.' },
    event_name: { description: 'Event goals: the custom event name (not "pageview").' },
    page_path: { description: 'Page goals: a path starting with `/`; `*` and `**` wildcards.' },
    properties: { description: 'Event goals: an object of up to 3 values, e.g. {"plan": "pro"}.' },
    currency: { description: 'Event goals: an ISO 4217 code such as "USD": makes a revenue goal.' },
  },
} as const;

export const goalRenameBody = {
  type: 'object',
  description: 'The new display name.',
  properties: { name: { description: '1–120 characters, unique among the website’s goals.' } },
} as const;

const { description: _unused, ...errorEnvelope } = errorResponses[400];

const conflict = {
  409: { description: 'CONFLICT: the website already has a goal of that name', ...errorEnvelope },
};

/** 200 + the errors, and 409 for a name in use. */
export function goalResponses(data: object, description: string) {
  return { ...responses(data, description), ...conflict };
}

/** 201 (created) + the errors. */
export function goalCreatedResponses(data: object, description: string) {
  const { 200: ok, ...errors } = responses(data, description);
  return { 201: { ...ok, headers: rateLimitHeaders }, ...errors, ...conflict };
}
