import type { Goal } from '../goals/types.ts';
import { formatWindow } from './funnel-input.ts';
import type { Funnel, FunnelStep } from './types.ts';

/** A step as the REST API, the dashboard and `zenovay funnels list --json` show it. */
export interface FunnelStepJson {
  type: 'page' | 'event' | 'goal';
  /** What the step is shown as: its label, else its path, event name or goal name. */
  name: string;
  label: string | null;
  page_path?: string;
  event_name?: string;
  properties?: Record<string, string>;
  goal_id?: string;
}

export interface FunnelJson {
  id: string;
  name: string;
  steps: FunnelStepJson[];
  window: string;
  window_ms: number;
  order: 'sequential' | 'strict';
  created_at: string;
}

/** The name a step is shown by (a deleted goal shows its id). */
export function stepName(step: FunnelStep, goals: readonly Goal[]): string {
  if (step.label) return step.label;
  if (step.kind === 'page') return step.pagePath;
  if (step.kind === 'event') return step.eventName;
  return goals.find((goal) => goal.id === step.goalId)?.name ?? step.goalId;
}

export function stepJson(step: FunnelStep, goals: readonly Goal[]): FunnelStepJson {
  const base = { type: step.kind, name: stepName(step, goals), label: step.label };
  if (step.kind === 'page') return { ...base, page_path: step.pagePath };
  if (step.kind === 'event')
    return {
      ...base,
      event_name: step.eventName,
      properties: Object.fromEntries(step.properties.map((match) => [match.key, match.value])),
    };
  return { ...base, goal_id: step.goalId };
}

export function funnelJson(funnel: Funnel, goals: readonly Goal[]): FunnelJson {
  return {
    id: funnel.id,
    name: funnel.name,
    steps: funnel.steps.map((step) => stepJson(step, goals)),
    window: formatWindow(funnel.windowMs),
    window_ms: funnel.windowMs,
    order: funnel.order,
    created_at: funnel.createdAt,
  };
}
