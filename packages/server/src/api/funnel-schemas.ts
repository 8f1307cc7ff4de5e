/**
 * JSON schemas of the funnel routes (routes/funnels.ts). Request bodies are documented only: the
 * funnel readers check them and report every problem with its step at once (as goal bodies).
 */
import { isoDateTime } from './schemas.ts';

const stepSchema = {
  type: 'object',
  required: ['type', 'name', 'label'],
  properties: {
    type: { type: 'string', enum: ['page', 'event', 'goal'] },
    name: { type: 'string', description: 'Shown name: the label, else the path, event name or goal name.' },
    label: { type: ['string', 'null'] },
    page_path: { type: 'string', description: 'Page steps: `*` = any characters but `/`, `**` = any.' },
    event_name: { type: 'string' },
    properties: { type: 'object', additionalProperties: { type: 'string' } },
    goal_id: { type: 'string' },
  },
} as const;

export const funnelSchema = {
  type: 'object',
  required: ['id', 'name', 'steps', 'window', 'window_ms', 'order', 'created_at'],
  properties: {
    id: { type: 'string', description: '`f_` + 16 characters.' },
    name: { type: 'string' },
    steps: { type: 'array', items: stepSchema },
    window: { type: 'string', description: 'Conversion window, e.g. "24h" (first step to last).' },
    window_ms: { type: 'integer' },
    order: { type: 'string', enum: ['sequential', 'strict'] },
    created_at: isoDateTime,
  },
} as const;

const stepsDescription =
  '2 to 8 steps: {"type": "page", "page_path": "/pricing"}, {"type": "event", "event_name": "Signup", "properties": {"plan": "pro"}} (up to 3 properties) or {"type": "goal", "goal": "<goal id or name>"}; each may have a "label".';

export const funnelCreateBody = {
  type: 'object',
  description: 'Checked field by field; every problem is reported at once in error.fields, naming the step.',
  properties: {
    name: { description: 'Display name, 1–120 characters, unique per website. Required.' },
    steps: { description: stepsDescription },
    window: { description: '"30m", "24h", "7d": from 1 minute to 30 days; default "24h".' },
    order: { description: '"sequential" (default: other events may happen between steps) or "strict".' },
  },
} as const;

export const funnelIdParams = {
  type: 'object',
  required: ['id', 'funnelId'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200, description: 'The website id.' },
    funnelId: { type: 'string', minLength: 1, maxLength: 200, description: 'The funnel id (`f_…`).' },
  },
} as const;

export const funnelQueryBody = {
  type: 'object',
  required: ['site_id', 'date_range'],
  properties: {
    site_id: { type: 'string', description: 'Website id.' },
    date_range: {
      description: 'As in /stats/query: a preset such as "30d", or ["YYYY-MM-DD", "YYYY-MM-DD"].',
    },
    filters: { type: 'array', description: 'As in /stats/query, e.g. [["is", "visit:device", ["mobile"]]].' },
    funnel_id: { type: 'string', description: 'A saved funnel; or give steps (+ window, order) instead.' },
    steps: { description: stepsDescription },
    window: { description: '"24h" by default; 1 minute to 30 days.' },
    order: { description: '"sequential" (default) or "strict".' },
    breakdown: {
      type: 'string',
      enum: ['visit:channel', 'visit:source', 'visit:utm_campaign', 'visit:country', 'visit:device'],
    },
  },
} as const;

const nullableNumber = { type: ['number', 'null'] } as const;

const stepResult = {
  type: 'object',
  required: ['step', 'name', 'visitors', 'conversion_rate', 'conversion_rate_from_previous', 'drop_off'],
  properties: {
    step: { type: 'integer' },
    name: { type: 'string' },
    visitors: { type: 'integer', description: 'Unique visitors who reached this step.' },
    conversion_rate: { ...nullableNumber, description: 'Percent of the visitors of step 1.' },
    conversion_rate_from_previous: { ...nullableNumber, description: 'Percent of the previous step.' },
    drop_off: { type: 'integer', description: 'Reached the previous step but not this one.' },
  },
} as const;

const revenueValue = {
  type: ['object', 'null'],
  properties: {
    value: { type: 'string' },
    currency: { type: 'string' },
    unconverted: {
      type: 'array',
      items: {
        type: 'object',
        properties: { currency: { type: 'string' }, value: { type: 'string' }, events: { type: 'integer' } },
      },
    },
  },
} as const;

export const funnelResultSchema = {
  type: 'object',
  required: ['funnel', 'steps', 'meta'],
  properties: {
    funnel: {
      type: 'object',
      properties: {
        id: { type: ['string', 'null'] },
        name: { type: ['string', 'null'] },
        steps: { type: 'array', items: stepSchema },
        window: { type: 'string' },
        window_ms: { type: 'integer' },
        order: { type: 'string' },
      },
    },
    steps: { type: 'array', items: stepResult },
    breakdown: {
      type: 'object',
      properties: {
        dimension: { type: 'string' },
        results: {
          type: 'array',
          items: {
            type: 'object',
            properties: { value: { type: 'string' }, steps: { type: 'array', items: stepResult } },
          },
        },
      },
    },
    revenue: {
      type: 'object',
      description: 'When the last step is a revenue goal: revenue of the completing events.',
      properties: { currency: { type: 'string' }, total: revenueValue, per_entering_visitor: revenueValue },
    },
    meta: {
      type: 'object',
      properties: {
        timezone: { type: 'string' },
        date_range: { type: 'object', properties: { start: { type: 'string' }, end: { type: 'string' } } },
      },
    },
  },
} as const;
