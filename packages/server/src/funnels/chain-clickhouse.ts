/**
 * The funnel chain on ClickHouse 18.16, with arrays: per visitor, its funnel events sorted by time
 * with a sentinel at `neverMs` appended, then for every step-1 event (ARRAY JOIN of the starts)
 * each later step is the first matching event strictly after the previous step and within the
 * window of the start (`arrayFirst`; the sentinel stands for "not reached"). windowFunnel is not
 * used: on 18.16 it takes UInt32/DateTime times only (seconds, or milliseconds overflowing after
 * 49.7 days), has no 'strict' mode, and orders events of equal time as they happen to arrive at
 * the aggregate, so its answer could differ from DuckDB's (docs/funnels.md, "ClickHouse").
 */
import { neverMs } from './funnel-events.ts';

export interface ChainSpec {
  readonly steps: number;
  readonly windowMs: number;
  readonly strict: boolean;
}

/**
 * One row per visitor who entered: `vid`, `b` (breakdown of the first step-1 event's visit),
 * `level` (steps reached, 1..n, the best over its step-1 events) and `done_t` (the earliest time a
 * start completed the funnel, `neverMs` when none did).
 */
export function clickHouseChainSql(events: string, spec: ChainSpec): string {
  const never = String(neverMs);
  const window = String(spec.windowMs);
  const perVisitor = `SELECT vid, groupArray((t, m, pv)) AS evs, groupArrayIf(t, bitTest(m, 0) = 1) AS starts, tupleElement(minIf((t, b), bitTest(m, 0) = 1), 2) AS b FROM (${events}) GROUP BY vid HAVING length(starts) > 0`;
  const columns = [
    'vid',
    'b',
    's',
    `arraySort(x -> tupleElement(x, 1), arrayPushBack(evs, (toUInt64(${never}), toUInt64(255), toUInt64(1)))) AS a`,
    's AS u1',
  ];
  for (let k = 2; k <= spec.steps; k++) {
    const previous = `u${k - 1}`;
    const found = `tupleElement(arrayFirst(x -> (bitTest(tupleElement(x, 2), ${k - 1}) = 1 AND tupleElement(x, 1) > ${previous} AND tupleElement(x, 1) <= s + ${window}) OR tupleElement(x, 1) = ${never}, a), 1)`;
    if (!spec.strict) {
      columns.push(`${found} AS u${k}`);
      continue;
    }
    // Strict: the first pageview after the previous step must not come before this step.
    const nextPageview = `tupleElement(arrayFirst(x -> (tupleElement(x, 3) = 1 AND tupleElement(x, 1) > ${previous}) OR tupleElement(x, 1) = ${never}, a), 1)`;
    columns.push(`${found} AS r${k}`, `if(${nextPageview} < r${k}, toUInt64(${never}), r${k}) AS u${k}`);
  }
  const reached = Array.from({ length: spec.steps - 1 }, (_, i) => `(u${i + 2} < ${never})`).join(' + ');
  const perStart = `SELECT vid, b, 1 + ${reached} AS level, u${spec.steps} AS done FROM (SELECT ${columns.join(', ')} FROM (${perVisitor}) ARRAY JOIN starts AS s)`;
  return `SELECT vid, any(b) AS b, max(level) AS level, min(done) AS done_t FROM (${perStart}) GROUP BY vid`;
}
