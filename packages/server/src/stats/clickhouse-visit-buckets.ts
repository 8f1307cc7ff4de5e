/**
 * Visits read from ClickHouse's bucketed rollup (store/clickhouse/visit-buckets.ts): the partial
 * visit states of the range's 15-minute buckets, merged per session, ARE the visits as the range's
 * events describe them (a visit across the range's edge counts with its events inside), so no edge
 * logic is needed — for ranges whose ends fall on bucket boundaries (`bucketAligned`).
 */
import { visitBucketMs, visitEntryColumns } from '../store/clickhouse/visit-buckets.ts';
import type { FieldContext, SessionField } from './fields.ts';
import type { ResolvedRange } from './types.ts';

/** Whether both ends of the range fall on a bucket boundary (every local day and hour does). */
export function bucketAligned(range: ResolvedRange): boolean {
  return range.startMs % visitBucketMs === 0 && range.endMs % visitBucketMs === 0;
}

function sessionColumn(name: SessionField): string {
  switch (name) {
    case 'visitor':
      return 'cityHash64(tupleElement(zv_entry, 1))';
    case 'first_ms':
      return 'zv_first';
    case 'last_ms':
      return 'zv_last';
    case 'entry_page':
      return 'zv_entry_page';
    case 'exit_page':
      return 'zv_exit_page';
    case 'pageviews':
      return 'zv_pageviews';
    case 'customs':
      return 'zv_customs';
    default:
      throw new Error(`${name} is an entry field`);
  }
}

/**
 * The raw visit rows of [start, end) (bound parameters: `site`, `start`, `end` in ms), a column per
 * session/entry field the query asked for; `fields` built with `visitsFromRollup`.
 */
export function bucketVisitsRawSql(
  fields: FieldContext,
  table: string,
  site: string,
  start: string,
  end: string,
): string {
  const columns = [
    'cityHash64(session_id) AS session_id',
    ...[...fields.sessionFields.keys()].map((name) => `${sessionColumn(name)} AS ${name}`),
    ...[...fields.entryRecord].map(([name, column]) => {
      const index = visitEntryColumns.indexOf(column as (typeof visitEntryColumns)[number]);
      if (index < 0) throw new Error(`no entry column ${column} in the visit rollup`);
      return `tupleElement(zv_entry, ${index + 1}) AS ${name}`;
    }),
  ];
  const merged = `SELECT session_id, minMerge(first_ms) AS zv_first, maxMerge(last_ms) AS zv_last, argMinMerge(entry) AS zv_entry, argMinIfMerge(entry_page) AS zv_entry_page, argMaxIfMerge(exit_page) AS zv_exit_page, sumMerge(pageviews) AS zv_pageviews, sumMerge(customs) AS zv_customs FROM ${table} WHERE site_id = ${site} AND bucket >= intDiv(${start}, ${visitBucketMs}) AND bucket < intDiv(${end}, ${visitBucketMs}) GROUP BY session_id`;
  return `SELECT ${columns.join(', ')} FROM (${merged})`;
}
