/**
 * A funnel question as ONE statement per engine: the funnel events (funnel-events.ts), the chain
 * per visitor (chain-duckdb.ts / chain-clickhouse.ts), then visitors per step and breakdown value.
 * Output rows: `b`, `c1..cN` (visitors who reached step k).
 */
import type { Goal } from '../goals/types.ts';
import type { SqlDialect } from '../stats/dialect.ts';
import type { SqlParam } from '../stats/sql-params.ts';
import { SqlParams } from '../stats/sql-params.ts';
import { type ChainSpec, clickHouseChainSql } from './chain-clickhouse.ts';
import { type DuckDbChainMethod, duckDbChainSql } from './chain-duckdb.ts';
import { type FunnelEventsInput, funnelEventsSql } from './funnel-events.ts';

export interface FunnelStatement {
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

export interface FunnelSqlInput extends FunnelEventsInput {
  readonly windowMs: number;
}

function counts(steps: number, countIf: (condition: string) => string): string {
  return Array.from({ length: steps }, (_, i) => `${countIf(`level >= ${i + 1}`)} AS c${i + 1}`).join(', ');
}

export function compileFunnel(
  d: SqlDialect,
  input: FunnelSqlInput,
  method: DuckDbChainMethod = 'window',
): FunnelStatement {
  const params = new SqlParams(d);
  const events = funnelEventsSql(d, params, input);
  const spec: ChainSpec = { steps: input.steps.length, windowMs: input.windowMs, strict: input.strict };
  if (d.name === 'clickhouse') {
    const chain = clickHouseChainSql(events, spec);
    return {
      sql: `SELECT b, ${counts(spec.steps, (c) => `countIf(${c})`)} FROM (${chain}) GROUP BY b`,
      params: params.values,
    };
  }
  const chain = duckDbChainSql('zv_fe', spec, method);
  const ctes = [['zv_fe', events] as const, ...chain.ctes, ['zv_levels', chain.sql] as const];
  return {
    sql: `WITH ${ctes.map(([name, sql]) => d.materializedCte(name, sql)).join(',\n')}\nSELECT b, ${counts(spec.steps, (c) => `count(*) FILTER (WHERE ${c})`)} FROM zv_levels GROUP BY b`,
    params: params.values,
  };
}

/** A step as the goal-like condition the stats compiler builds (a page or event step is an unsaved goal). */
export function stepGoal(
  step: import('./types.ts').FunnelStep,
  goals: readonly Goal[],
  siteId: string,
): Goal {
  if (step.kind === 'goal') {
    const goal = goals.find((g) => g.id === step.goalId);
    if (!goal) throw new Error(`goal ${step.goalId} is not configured`);
    return goal;
  }
  const base = { id: '', siteId, name: '', currency: null, createdAt: '' };
  if (step.kind === 'page')
    return { ...base, kind: 'page', pagePath: step.pagePath, eventName: null, properties: [] };
  return { ...base, kind: 'event', pagePath: null, eventName: step.eventName, properties: step.properties };
}
