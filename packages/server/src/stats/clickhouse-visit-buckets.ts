/**
 * Visits read from ClickHouse's bucketed rollup (store/clickhouse/visit-buckets.ts): the partial
 * visit states of the range's 15-minute buckets, merged per session, ARE the visits as the range's
 * events describe them (a visit across the range's edge counts with its events inside), so no edge
 * logic is needed — for ranges whose ends fall on bucket boundaries (`bucketAligned`).
 */
import { entryGroupOf, visitBucketMs } from '../store/clickhouse/visit-buckets.ts';
import type { FieldContext, SessionField } from './fields.ts';
import type { ResolvedRange } from './types.ts';

/** Whether both ends of the range fall on a bucket boundary (every local day and hour does). */
export function bucketAligned(range: ResolvedRange): boolean {
  return range.startMs % visitBucketMs === 0 && range.endMs % visitBucketMs === 0;
}

/** The merge of the rollup's state that gives an aggregate session field. */
function sessionMerge(name: SessionField): string {
  switch (name) {
    case 'visitor':
      return 'anyMerge(visitor)';
    case 'first_ms':
      return 'minMerge(first_ms)';
    case 'last_ms':
      return 'maxMerge(last_ms)';
    case 'entry_page':
      return 'argMinIfMerge(entry_page)';
    case 'exit_page':
      return 'argMaxIfMerge(exit_page)';
    case 'pageviews':
      return 'sumMerge(pageviews)';
    case 'customs':
      return 'sumMerge(customs)';
    case 'quiet_customs':
      return 'sumMerge(quiet_customs)';
    default:
      throw new Error(`${name} is an entry field`);
  }
}

/**
 * The raw visit rows of [start, end) (bound parameters: `site`, `start`, `end` in ms), a column per
 * session/entry field the query asked for, each merged from its own state (only those asked);
 * `fields` built with `visitsFromRollup`.
 */
export function bucketVisitsRawSql(
  fields: FieldContext,
  table: string,
  site: string,
  start: string,
  end: string,
): string {
  // Merged under zv_ names in an inner SELECT: an alias equal to a column's name (visitor,
  // pageviews …) would shadow the state it merges.
  const merges: string[] = [];
  const outer = ['zv_session AS session_id'];
  for (const name of fields.sessionFields.keys()) {
    merges.push(`${sessionMerge(name)} AS zv_${name}`);
    outer.push(`zv_${name} AS ${name}`);
  }
  const groups = new Set<string>();
  for (const [name, column] of fields.entryRecord) {
    const place = entryGroupOf(column);
    if (!place) throw new Error(`no entry column ${column} in the visit rollup`);
    if (!groups.has(place.group)) merges.push(`argMinMerge(entry_${place.group}) AS zv_g_${place.group}`);
    groups.add(place.group);
    outer.push(`tupleElement(zv_g_${place.group}, ${place.index}) AS ${name}`);
  }
  const merged = `SELECT session AS zv_session${merges.map((m) => `, ${m}`).join('')} FROM ${table} WHERE site_id = ${site} AND bucket >= intDiv(${start}, ${visitBucketMs}) AND bucket < intDiv(${end}, ${visitBucketMs}) GROUP BY zv_session`;
  return `SELECT ${outer.join(', ')} FROM (${merged})`;
}
