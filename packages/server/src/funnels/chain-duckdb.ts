/**
 * The funnel chain on DuckDB, in the two formulations the bench compares (bench/funnels/run.ts);
 * both give the rows of `clickHouseChainSql` (vid, b, level, done_t) from the funnel events `fe`:
 * - 'window' (kept: faster on the bench, docs/funnels.md): for every event, the time of the next
 *   event of each step and of the next pageview strictly after it, by window aggregates over the
 *   visitor's events ordered by time; the chain then follows those times with equality joins on
 *   (visitor, time).
 * - 'range': each step as a range join of the chain so far with the step's events (strictly
 *   later, within the window), keeping the earliest.
 * Either way step k is the earliest step-k event strictly after step k-1 and at most `window` after
 * the start; a visitor's level is the best over its step-1 events.
 */
import type { ChainSpec } from './chain-clickhouse.ts';
import { neverMs } from './funnel-events.ts';

export type DuckDbChainMethod = 'window' | 'range';

const never = String(neverMs);

function bit(k: number): string {
  return `(m & ${2 ** (k - 1)}) <> 0`;
}

/** The visitor's breakdown: of its earliest step-1 event (the smallest value at equal times). */
function entryBreakdown(fe: string): string {
  return `SELECT vid, min({'t': t, 'b': b}).b AS b FROM ${fe} WHERE ${bit(1)} GROUP BY vid`;
}

function perVisitor(fe: string, perStart: string, steps: number): string {
  const reached = Array.from(
    { length: steps - 1 },
    (_, i) => `(CASE WHEN u${i + 2} < ${never} THEN 1 ELSE 0 END)`,
  ).join(' + ');
  return `SELECT p.vid, any_value(eb.b) AS b, max(1 + ${reached}) AS level, min(u${steps}) AS done_t FROM (${perStart}) p JOIN (${entryBreakdown(fe)}) eb ON eb.vid = p.vid GROUP BY p.vid`;
}

/** Named subqueries (materialized CTEs, in order) and the select over them. */
export interface ChainSql {
  readonly ctes: ReadonlyArray<readonly [string, string]>;
  readonly sql: string;
}

/** `fe` is a relation name (a CTE) holding the funnel events. */
export function duckDbChainSql(fe: string, spec: ChainSpec, method: DuckDbChainMethod): ChainSql {
  return method === 'window' ? windowChain(fe, spec) : { ctes: [], sql: rangeChain(fe, spec) };
}

function windowChain(fe: string, spec: ChainSpec): ChainSql {
  const following = 'OVER (PARTITION BY vid ORDER BY t RANGE BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)';
  const nexts = [];
  for (let k = 2; k <= spec.steps; k++)
    nexts.push(`coalesce(min(CASE WHEN ${bit(k)} THEN t END) ${following}, ${never}) AS n${k}`);
  if (spec.strict) nexts.push(`coalesce(min(CASE WHEN pv = 1 THEN t END) ${following}, ${never}) AS npv`);
  const nextCols = [
    ...Array.from({ length: spec.steps - 1 }, (_, i) => `n${i + 2}`),
    ...(spec.strict ? ['npv'] : []),
  ];
  // One row per (visitor, time): the next times depend on the time alone.
  const windowed = `SELECT vid, t, CASE WHEN ${bit(1)} THEN 1 ELSE 0 END AS st, ${nexts.join(', ')} FROM ${fe}`;
  const nx = `SELECT vid, t, max(st) AS st, ${nextCols.map((c) => `any_value(${c}) AS ${c}`).join(', ')} FROM (${windowed}) w GROUP BY vid, t`;
  const accept = (k: number, row: string, start: string) => {
    const candidate = `${row}.n${k}`;
    const unbroken = spec.strict ? ` AND ${row}.npv >= ${candidate}` : '';
    return `CASE WHEN ${candidate} <= ${start} + ${spec.windowMs}${unbroken} THEN ${candidate} ELSE ${never} END`;
  };
  // u2 from the start's own row; u_k (k > 2) from the row at u_{k-1}, found by an equality join.
  let chain = `SELECT x.vid, x.t AS s, ${accept(2, 'x', 'x.t')} AS u2 FROM zv_nx x WHERE x.st = 1`;
  const carried = ['u2'];
  for (let k = 3; k <= spec.steps; k++) {
    chain = `SELECT c.vid, c.s, ${carried.map((u) => `c.${u}`).join(', ')}, CASE WHEN c.u${k - 1} < ${never} THEN ${accept(k, 'x', 'c.s')} ELSE ${never} END AS u${k} FROM (${chain}) c LEFT JOIN zv_nx x ON x.vid = c.vid AND x.t = c.u${k - 1}`;
    carried.push(`u${k}`);
  }
  return { ctes: [['zv_nx', nx]], sql: perVisitor(fe, chain, spec.steps) };
}

function rangeChain(fe: string, spec: ChainSpec): string {
  let chain = `SELECT DISTINCT vid, t AS s FROM ${fe} WHERE ${bit(1)}`;
  const carried: string[] = [];
  for (let k = 2; k <= spec.steps; k++) {
    const previous = k === 2 ? 'c.s' : `c.u${k - 1}`;
    const next = `min(CASE WHEN ${bit(k).replace('m', 'f.m')} THEN f.t END)`;
    const nextPageview = 'min(CASE WHEN f.pv = 1 THEN f.t END)';
    const found = spec.strict
      ? `CASE WHEN ${next} <= coalesce(${nextPageview}, ${never}) THEN ${next} END`
      : next;
    const keep = ['c.vid', 'c.s', ...carried.map((u) => `c.${u}`)];
    // Only events up to the start's window end: a later pageview cannot come before a step in it.
    const match = spec.strict ? `(${bit(k).replace('m', 'f.m')} OR f.pv = 1)` : bit(k).replace('m', 'f.m');
    chain = `SELECT ${keep.join(', ')}, coalesce(${found}, ${never}) AS u${k} FROM (${chain}) c LEFT JOIN ${fe} f ON f.vid = c.vid AND f.t > ${previous} AND f.t <= c.s + ${spec.windowMs} AND ${previous} < ${never} AND ${match} GROUP BY ${keep.join(', ')}`;
    carried.push(`u${k}`);
  }
  return perVisitor(fe, chain, spec.steps);
}
