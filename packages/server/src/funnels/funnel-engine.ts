/**
 * Answers funnel questions on either engine: resolves the range in the site's zone, turns the
 * steps into conditions, runs one statement (funnel-sql.ts) and shapes visitors per step with
 * their conversion and drop-off. Rates are computed here from the integer counts, so both
 * engines give the same numbers to the last digit.
 */
import type { FieldError } from '../errors.ts';
import type { Goal } from '../goals/types.ts';
import { resolveDateRange } from '../stats/date-range.ts';
import type { SqlDialect } from '../stats/dialect.ts';
import type { GoalSource, SqlRunner } from '../stats/engine.ts';
import { StatsQueryError } from '../stats/errors.ts';
import type { DateRange, Dimension, Filter } from '../stats/types.ts';
import type { Site } from '../store/types.ts';
import type { DuckDbChainMethod } from './chain-duckdb.ts';
import { formatWindow } from './funnel-input.ts';
import { type FunnelStepJson, stepJson } from './funnel-json.ts';
import { type FunnelRevenue, funnelRevenue } from './funnel-revenue.ts';
import { compileFunnel, stepGoal } from './funnel-sql.ts';
import type { FunnelDefinition } from './types.ts';

/** The visit dimensions a funnel can be broken down by ("which source converts"). */
export const funnelBreakdowns = [
  'visit:channel',
  'visit:source',
  'visit:utm_campaign',
  'visit:country',
  'visit:device',
] as const satisfies readonly Dimension[];
export type FunnelBreakdown = (typeof funnelBreakdowns)[number];

/** Most breakdown rows in an answer (the values with the most entering visitors). */
export const maxBreakdownRows = 100;

export interface FunnelQuery {
  readonly siteId: string;
  readonly dateRange: DateRange;
  readonly filters: readonly Filter[];
  readonly definition: FunnelDefinition;
  /** The saved funnel asked for, or null for ad-hoc steps. */
  readonly funnel: { readonly id: string; readonly name: string } | null;
  readonly breakdown: FunnelBreakdown | null;
}

export interface FunnelStepResult {
  step: number;
  name: string;
  visitors: number;
  /** Percent of the visitors who entered (step 1); null when nobody entered. */
  conversion_rate: number | null;
  /** Percent of the previous step's visitors (100 for step 1); null when the previous had none. */
  conversion_rate_from_previous: number | null;
  /** Visitors who reached the previous step but not this one (0 for step 1). */
  drop_off: number;
}

export interface FunnelResult {
  funnel: {
    id: string | null;
    name: string | null;
    steps: FunnelStepJson[];
    window: string;
    window_ms: number;
    order: 'sequential' | 'strict';
  };
  steps: FunnelStepResult[];
  breakdown?: { dimension: FunnelBreakdown; results: Array<{ value: string; steps: FunnelStepResult[] }> };
  revenue?: FunnelRevenue;
  meta: { timezone: string; date_range: { start: string; end: string } };
}

/** Rows as the runner returns them: `b`, `c1..cN`, numbers or bigints. */
type Row = Record<string, unknown>;

export class FunnelEngine {
  constructor(
    private readonly dialect: SqlDialect,
    private readonly runner: SqlRunner,
    private readonly goalSource: GoalSource,
    private readonly options: { method?: DuckDbChainMethod; beforeRead?: () => Promise<unknown> } = {},
  ) {}

  async query(query: FunnelQuery, site: Site, nowMs: number): Promise<FunnelResult> {
    const goals = await this.goalSource(site.id);
    const { definition } = query;
    const missing: FieldError[] = [];
    definition.steps.forEach((step, i) => {
      if (step.kind === 'goal' && !goals.some((goal) => goal.id === step.goalId)) {
        missing.push({
          field: `steps[${i}].goal`,
          reason: `the goal ${step.goalId} of this funnel was deleted; edit the funnel`,
        });
      }
    });
    if (missing.length > 0) throw new StatsQueryError(missing);
    const timezone = site.timezone || 'UTC';
    const range = resolveDateRange(query.dateRange, timezone, nowMs);
    const stepGoals = definition.steps.map((step) => stepGoal(step, goals, site.id));
    const last = stepGoals[stepGoals.length - 1]!;
    const input = {
      siteId: site.id,
      range,
      timezone,
      steps: stepGoals,
      strict: definition.order === 'strict',
      filters: query.filters,
      breakdown: query.breakdown,
      goals,
      revenue: false,
      windowMs: definition.windowMs,
    };
    await this.options.beforeRead?.();
    const statement = compileFunnel(this.dialect, input, this.options.method);
    const [rows, revenue] = await Promise.all([
      this.runner.all(statement.sql, statement.params),
      last.currency !== null
        ? funnelRevenue(this.dialect, this.runner, { ...input, revenue: true }, last.currency)
        : null,
    ]);
    const names = definition.steps.map((step) => stepJson(step, goals));
    const n = definition.steps.length;
    const totals = Array.from({ length: n }, (_, k) => rows.reduce((sum, row) => sum + count(row, k), 0));
    const result: FunnelResult = {
      funnel: {
        id: query.funnel?.id ?? null,
        name: query.funnel?.name ?? null,
        steps: names,
        window: formatWindow(definition.windowMs),
        window_ms: definition.windowMs,
        order: definition.order,
      },
      steps: shapeSteps(totals, names),
      meta: { timezone, date_range: { start: range.startDate, end: range.endDate } },
    };
    if (query.breakdown) {
      const results = rows
        .map((row) => ({ value: String(row.b), counts: Array.from({ length: n }, (_, k) => count(row, k)) }))
        .sort((a, b) => b.counts[0]! - a.counts[0]! || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
        .slice(0, maxBreakdownRows)
        .map((row) => ({ value: row.value, steps: shapeSteps(row.counts, names) }));
      result.breakdown = { dimension: query.breakdown, results };
    }
    if (revenue) result.revenue = revenue(totals[0] ?? 0, query.breakdown !== null);
    return result;
  }
}

function count(row: Row, k: number): number {
  return Number(row[`c${k + 1}`] ?? 0);
}

/** Two decimals, as percentages are shown. */
function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part * 10_000) / whole) / 100 : null;
}

function shapeSteps(counts: readonly number[], names: readonly FunnelStepJson[]): FunnelStepResult[] {
  const first = counts[0] ?? 0;
  return counts.map((visitors, k) => {
    const previous = k === 0 ? visitors : counts[k - 1]!;
    return {
      step: k + 1,
      name: names[k]!.name,
      visitors,
      conversion_rate: percent(visitors, first),
      conversion_rate_from_previous: k === 0 ? (visitors > 0 ? 100 : null) : percent(visitors, previous),
      drop_off: previous - visitors,
    };
  });
}

export type { Goal };
