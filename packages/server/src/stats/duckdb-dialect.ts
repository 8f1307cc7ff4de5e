import type { FinalStatement, ParamType, SqlDialect, TimeBucket } from './dialect.ts';

const bucketFormat: Record<TimeBucket, string> = {
  hour: '%Y-%m-%d %H:00:00',
  day: '%Y-%m-%d',
  week: '%Y-%m-%d',
  month: '%Y-%m-%d',
};

/**
 * DuckDB SQL. (The ICU extension ships inside @duckdb/node-api and works offline, but converting
 * every row with `timezone()` was 6x slower than adding the zone's offset, which the compiler
 * computes in JS per constant-offset piece of the range.)
 */
export const duckDbDialect: SqlDialect = {
  name: 'duckdb',
  inlineCtes: false,
  trueLiteral: 'TRUE',
  falseLiteral: 'FALSE',
  eventRow: true,
  visitRollup: 'edges',
  scanEvents: (columns, site, start, end) => {
    const scanned = columns.map((c) =>
      c === 'session_id' || c === 'visitor_id'
        ? `${duckDbDialect.hashId(c)} AS ${c}`
        : c === 'event_row'
          ? 'rowid AS event_row'
          : c,
    );
    return `SELECT ${scanned.join(', ')} FROM events WHERE site_id = ${site} AND ts >= ${duckDbDialect.timestampFromMs(start)} AND ts < ${duckDbDialect.timestampFromMs(end)}`;
  },
  qualify: (alias, column) => `${alias}.${column}`,
  finalStatement: (statement) => duckDbFinalStatement(statement),
  placeholder: (index: number, type: ParamType) => `$${index}::${type === 'int' ? 'BIGINT' : 'VARCHAR'}`,
  stringLiteral: (value: string) => {
    // Standard SQL strings: only the quote is special in DuckDB (backslash is literal). NUL would
    // end the string inside the C++ parser, so it is refused rather than escaped.
    if (value.includes('\0')) throw new Error('NUL cannot appear in a SQL string literal');
    return `'${value.replaceAll("'", "''")}'`;
  },
  timestampFromMs: (msExpr) => `make_timestamp((${msExpr}) * 1000)`,
  epochMs: (tsExpr) => `epoch_ms(${tsExpr})`,
  addMs: (tsExpr, msExpr) => `(${tsExpr} + to_milliseconds(${msExpr}))`,
  timeBucket: (localTsExpr, bucket) => `date_trunc('${bucket}', ${localTsExpr})`,
  timeBucketLabel: (bucketExpr, bucket) => `strftime(${bucketExpr}, '${bucketFormat[bucket]}')`,
  propValue: (keyExpr) => `prop_values[list_position(prop_keys, ${keyExpr})]`,
  argMinIf: (value, by, condition) => `arg_min(${value}, ${by}) FILTER (WHERE ${condition})`,
  argMaxIf: (value, by, condition) => `arg_max(${value}, ${by}) FILTER (WHERE ${condition})`,
  argMin: (value, by) => `arg_min(${value}, ${by})`,
  argMinRecord: (fields, by) =>
    `arg_min(struct_pack(${fields.map(([name, expr]) => `${name} := ${expr}`).join(', ')}), ${by})`,
  recordField: (record, name) => `struct_extract(${record}, '${name}')`,
  countIf: (condition) => `count(*) FILTER (WHERE ${condition})`,
  anyValue: (expr) => `any_value(${expr})`,
  lower: (expr) => `lower(${expr})`,
  upper: (expr) => `upper(${expr})`,
  containsInsensitive: (haystack, needle) => `contains(lower(${haystack}), lower(${needle}))`,
  startsWith: (expr, prefix) => `starts_with(${expr}, ${prefix})`,
  endsWith: (expr, suffix) => `ends_with(${expr}, ${suffix})`,
  regexMatch: (expr, pattern) => `regexp_matches(${expr}, ${duckDbDialectLiteral(pattern)})`,
  regexExtract: (expr, pattern) => `regexp_extract(${expr}, ${duckDbDialectLiteral(pattern)}, 1)`,
  tryToDouble: (expr) => `TRY_CAST(${expr} AS DOUBLE)`,
  pairList: (a, b) => `list([${a}, ${b}::VARCHAR])`,
  hashId: (expr) => `hash(${expr})`,
  materializedCte: (name, selectSql) => `${name} AS MATERIALIZED (${selectSql})`,
  // list(... ORDER BY) because a subquery's ORDER BY does not bind the order an aggregate sees.
  rowsAsJson: (selectSql, orderBy) => `(SELECT to_json(list(p ORDER BY ${orderBy})) FROM (${selectSql}) p)`,
  toText: (expr) => `CAST(${expr} AS VARCHAR)`,
  matchingLabels: (cases) =>
    `unnest(list_filter([${cases.map(([condition, label]) => `CASE WHEN ${condition} THEN ${label} END`).join(', ')}]::VARCHAR[], lambda v: v IS NOT NULL))`,
  utcDay: (tsExpr) => `strftime(${tsExpr}, '%Y-%m-%d')`,
  engagementTable: 'engagement',
  fxRates: 'fx_rates',
};

/** The page with `count(*) OVER ()` as the total, the joins by `ON` (`TRUE` when no keys). */
function duckDbFinalStatement(s: FinalStatement): string {
  const select = [
    ...s.columns.map(([alias, expr]) => (expr === `a.${alias}` ? expr : `${expr} AS ${alias}`)),
    'count(*) OVER () AS total_rows',
  ];
  let from = `${s.agg} a`;
  for (const join of s.joins) {
    const on =
      join.keys.length > 0 ? join.keys.map((c) => `a.${c} = ${join.alias}.${c}`).join(' AND ') : 'TRUE';
    from += ` LEFT JOIN ${join.table} ${join.alias} ON ${on}`;
  }
  const ctes = s.ctes.map(([name, sql]) =>
    s.materialized?.has(name) ? duckDbDialect.materializedCte(name, sql) : `${name} AS (${sql})`,
  );
  return `WITH ${ctes.join(',\n')}\nSELECT ${select.join(', ')} FROM ${from} ORDER BY ${s.orderBy} LIMIT ${s.limit} OFFSET ${s.offset}`;
}

function duckDbDialectLiteral(value: string): string {
  return duckDbDialect.stringLiteral(value);
}
