/**
 * Funnels: an ordered list of 2–8 steps a visitor goes through within a conversion window. Saved
 * funnels are definitions only (like goals): a funnel added today reports the past, and the
 * funnel query (funnel-engine.ts) can also take steps that were never saved.
 */
import type { GoalPropertyMatch } from '../goals/types.ts';

/** One step: a page path pattern, a custom event (with up to 3 property matches), or a goal. */
export type FunnelStep =
  | { readonly kind: 'page'; readonly pagePath: string; readonly label: string | null }
  | {
      readonly kind: 'event';
      readonly eventName: string;
      readonly properties: readonly GoalPropertyMatch[];
      readonly label: string | null;
    }
  | { readonly kind: 'goal'; readonly goalId: string; readonly label: string | null };

/**
 * sequential: other events and pageviews may happen between two steps;
 * strict: no pageview other than the next step's may happen between two consecutive steps.
 */
export type FunnelOrder = 'sequential' | 'strict';

/** What a funnel asks, saved or ad hoc. */
export interface FunnelDefinition {
  readonly steps: readonly FunnelStep[];
  /** From the first step's event to the last step's, inclusive, in milliseconds. */
  readonly windowMs: number;
  readonly order: FunnelOrder;
}

export interface Funnel extends FunnelDefinition {
  /** `f_` + random. */
  readonly id: string;
  readonly siteId: string;
  /** Display name, unique per site. */
  readonly name: string;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
}

/** Where saved funnels are kept: the metadata store of the mode (DuckDB file or PostgreSQL). */
export interface FunnelStore {
  /** The site's funnels, oldest first. */
  listFunnels(siteId: string): Promise<Funnel[]>;
  /** Stores a new funnel; false (nothing stored) when the site already has a funnel of that name. */
  createFunnel(funnel: Funnel): Promise<boolean>;
  /** False when the site has no funnel with that id. */
  deleteFunnel(siteId: string, funnelId: string): Promise<boolean>;
}

export const minFunnelSteps = 2;
export const maxFunnelSteps = 8;
export const defaultFunnelWindowMs = 24 * 3_600_000;
export const minFunnelWindowMs = 60_000;
export const maxFunnelWindowMs = 30 * 24 * 3_600_000;
/** Most saved funnels per site (each is a definition only; the cap bounds the list). */
export const maxFunnelsPerSite = 100;
/** Most characters of a step label. */
export const funnelLabelMax = 120;
