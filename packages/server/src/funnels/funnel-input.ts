/**
 * Funnel definitions as people and clients send them (REST, dashboard, CLI, ad-hoc queries),
 * checked into a `FunnelDefinition`. Every problem is reported at once, each naming its step
 * (`steps[2].page_path`), as goal input does.
 */
import { pagePatternProblem } from '../goals/page-pattern.ts';
import { hasControlCharacter } from '../goals/text-checks.ts';
import { type Goal, type GoalPropertyMatch, maxGoalProperties } from '../goals/types.ts';
import {
  defaultFunnelWindowMs,
  type FunnelDefinition,
  type FunnelOrder,
  type FunnelStep,
  funnelLabelMax,
  maxFunnelSteps,
  maxFunnelWindowMs,
  minFunnelSteps,
  minFunnelWindowMs,
} from './types.ts';

export type Fail = (field: string, reason: string) => void;

const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `"30m"`, `"24h"`, `"7d"`: a whole number of minutes, hours or days. */
export function parseWindow(value: unknown, fail: Fail): number | null {
  if (value === undefined || value === null) return defaultFunnelWindowMs;
  const match = typeof value === 'string' ? /^([0-9]{1,6})([mhd])$/.exec(value.trim()) : null;
  if (!match) {
    fail('window', 'must be a number with a unit: "30m" (minutes), "24h" (hours) or "7d" (days)');
    return null;
  }
  const ms = Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
  if (ms < minFunnelWindowMs || ms > maxFunnelWindowMs) {
    fail('window', `must be from 1 minute ("1m") to 30 days ("30d"); got "${value}"`);
    return null;
  }
  return ms;
}

/** The window in its largest whole unit, as `parseWindow` reads it back. */
export function formatWindow(ms: number): string {
  if (ms % unitMs.d === 0) return `${ms / unitMs.d}d`;
  if (ms % unitMs.h === 0) return `${ms / unitMs.h}h`;
  return `${Math.round(ms / unitMs.m)}m`;
}

export function parseOrder(value: unknown, fail: Fail): FunnelOrder | null {
  if (value === undefined || value === null) return 'sequential';
  if (value === 'sequential' || value === 'strict') return value;
  fail(
    'order',
    'must be "sequential" (other events may happen between steps) or "strict" (no other pageview between steps)',
  );
  return null;
}

/**
 * `steps`, `window`, `order` of a body. Goal steps name a goal of the site by id or by name
 * (`{"type": "goal", "goal": "Signup"}`) and are kept by id, so renaming the goal keeps the funnel.
 */
export function readFunnelDefinition(
  body: Record<string, unknown>,
  goals: readonly Goal[],
  fail: Fail,
): FunnelDefinition | null {
  const windowMs = parseWindow(body.window, fail);
  const order = parseOrder(body.order, fail);
  const raw = body.steps;
  if (!Array.isArray(raw)) {
    fail('steps', `must be a list of ${minFunnelSteps} to ${maxFunnelSteps} steps`);
    return null;
  }
  if (raw.length < minFunnelSteps || raw.length > maxFunnelSteps) {
    fail('steps', `a funnel has ${minFunnelSteps} to ${maxFunnelSteps} steps; got ${raw.length}`);
    return null;
  }
  const steps = raw.map((item, i) => readStep(item, `steps[${i}]`, goals, fail));
  if (windowMs === null || order === null || steps.some((step) => step === null)) return null;
  return { steps: steps as FunnelStep[], windowMs, order };
}

function readStep(value: unknown, at: string, goals: readonly Goal[], fail: Fail): FunnelStep | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(
      at,
      'a step is an object: {"type": "page", "page_path": …}, {"type": "event", "event_name": …} or {"type": "goal", "goal": …}',
    );
    return null;
  }
  const step = value as Record<string, unknown>;
  const known = new Set(['type', 'page_path', 'event_name', 'properties', 'goal', 'label']);
  for (const key of Object.keys(step)) {
    if (!known.has(key))
      fail(
        `${at}.${key.slice(0, 100)}`,
        'is not a step field (type, page_path, event_name, properties, goal, label)',
      );
  }
  const label = readLabel(step.label, `${at}.label`, fail);
  const text = (key: string, max: number): string | null => {
    const item = step[key];
    if (typeof item !== 'string' || item.length === 0) {
      fail(`${at}.${key}`, 'is required (a non-empty string)');
      return null;
    }
    if (item.length > max) {
      fail(`${at}.${key}`, `must be at most ${max} characters`);
      return null;
    }
    return item;
  };
  const only = (keys: readonly string[]) => {
    for (const key of ['page_path', 'event_name', 'properties', 'goal']) {
      if (!keys.includes(key) && step[key] !== undefined)
        fail(`${at}.${key}`, `a ${String(step.type)} step has no ${key}`);
    }
  };
  switch (step.type) {
    case 'page': {
      only(['page_path']);
      const path = text('page_path', 2_048);
      if (path === null) return null;
      const problem = pagePatternProblem(path);
      if (problem) {
        fail(`${at}.page_path`, problem);
        return null;
      }
      return { kind: 'page', pagePath: path, label };
    }
    case 'event': {
      only(['event_name', 'properties']);
      const name = text('event_name', 200);
      if (name === 'pageview') {
        fail(`${at}.event_name`, 'a pageview is a page step: use {"type": "page", "page_path": …}');
        return null;
      }
      const properties = readProperties(step.properties, `${at}.properties`, fail);
      if (name === null || properties === null) return null;
      return { kind: 'event', eventName: name, properties, label };
    }
    case 'goal': {
      only(['goal']);
      const ref = text('goal', 200);
      if (ref === null) return null;
      const goal = goals.find((g) => g.id === ref) ?? goals.find((g) => g.name === ref);
      if (!goal) {
        fail(
          `${at}.goal`,
          `the goal "${ref.slice(0, 120)}" is not configured for this site; list them with GET /api/external/v1/websites/{id}/goals`,
        );
        return null;
      }
      return { kind: 'goal', goalId: goal.id, label };
    }
    default:
      fail(
        `${at}.type`,
        'must be "page" (a page path), "event" (a custom event) or "goal" (a goal of the site)',
      );
      return null;
  }
}

function readLabel(value: unknown, field: string, fail: Fail): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') {
    fail(field, 'must be a string');
    return null;
  }
  const label = value.trim();
  if (label.length > funnelLabelMax) fail(field, `must be at most ${funnelLabelMax} characters`);
  else if (hasControlCharacter(label)) fail(field, 'must not contain control characters');
  else return label.length > 0 ? label : null;
  return null;
}

function readProperties(value: unknown, field: string, fail: Fail): GoalPropertyMatch[] | null {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    fail(field, 'must be an object of property values, e.g. {"plan": "pro"}');
    return null;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > maxGoalProperties) {
    fail(field, `at most ${maxGoalProperties} property matches`);
    return null;
  }
  const matches: GoalPropertyMatch[] = [];
  let ok = true;
  for (const [key, item] of entries) {
    if (key.length === 0 || key.length > 100) {
      fail(`${field}.${key.slice(0, 100)}`, 'keys must be 1 to 100 characters');
      ok = false;
    } else if (typeof item === 'string' && item.length <= 1_000) matches.push({ key, value: item });
    else if (typeof item === 'number' && Number.isFinite(item)) matches.push({ key, value: String(item) });
    else if (typeof item === 'boolean') matches.push({ key, value: item ? 'true' : 'false' });
    else {
      fail(`${field}.${key}`, 'must be a string (at most 1000 characters), number or boolean');
      ok = false;
    }
  }
  return ok ? matches : null;
}
