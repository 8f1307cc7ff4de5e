/**
 * The funnel builder's draft (site settings): rows of steps as typed, turned into the REST API's
 * body. The server checks everything and names the step; the draft only shapes what is sent.
 */
import type { FunnelBody } from '../funnels-api.ts';

export type StepType = 'page' | 'event' | 'goal';

export interface StepRow {
  readonly type: StepType;
  /** The page path, the event name, or the goal's name. */
  readonly value: string;
  /** Event steps: `key=value` pairs separated by commas (up to 3). */
  readonly properties: string;
}

export interface FunnelDraft {
  readonly name: string;
  readonly steps: readonly StepRow[];
  readonly window: string;
  readonly order: 'sequential' | 'strict';
}

export const maxSteps = 8;
export const emptyStep: StepRow = { type: 'page', value: '', properties: '' };
export const emptyFunnelDraft: FunnelDraft = {
  name: '',
  steps: [emptyStep, { ...emptyStep, type: 'event' }],
  window: '24h',
  order: 'sequential',
};

/** `plan=pro, tier=gold` as an object; a pair without `=` is kept as a key with an empty value. */
export function parseProperties(text: string): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const trimmed = pair.trim();
    if (trimmed === '') continue;
    const at = trimmed.indexOf('=');
    if (at < 0) properties[trimmed] = '';
    else properties[trimmed.slice(0, at).trim()] = trimmed.slice(at + 1).trim();
  }
  return properties;
}

export function stepBody(row: StepRow): Record<string, unknown> {
  const value = row.value.trim();
  if (row.type === 'page') return { type: 'page', page_path: value };
  if (row.type === 'goal') return { type: 'goal', goal: value };
  const properties = parseProperties(row.properties);
  return {
    type: 'event',
    event_name: value,
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  };
}

export function funnelBody(draft: FunnelDraft): FunnelBody {
  return {
    name: draft.name.trim(),
    steps: draft.steps.map(stepBody),
    window: draft.window.trim(),
    order: draft.order,
  };
}

/** Which row a server field names: `steps[2].page_path` → 2 (null for other fields). */
export function stepIndexOf(field: string): number | null {
  const match = /^steps\[(\d+)\]/.exec(field);
  return match ? Number(match[1]) : null;
}
