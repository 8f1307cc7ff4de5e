/**
 * The event columns a visit takes from its first event (its source, landing host and query, geo and
 * device), in one order shared by both stores' visit rollups (store/duckdb/visit-rollup.ts,
 * store/clickhouse/visit-buckets.ts) and matching the stats compiler's entry fields.
 */
export const visitEntryColumns = [
  'referrer_host',
  'hostname',
  'query',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'country',
  'region',
  'city',
  'device_type',
  'browser',
  'os',
] as const;
