/**
 * The read side of raw events outside the stats engine: the live counter, the raw export, the
 * visits list, monthly usage and the property keys a drill-down offers. The embedded DuckDB and
 * ClickHouse each implement it (scale/stores.ts picks one), so the routes above never know
 * where events live. Every time is epoch milliseconds, ranges are `[startMs, endMs)`.
 */
export interface EventReader {
  /** Distinct visitors with an event in `(sinceMs, untilMs]`. */
  liveVisitors(siteId: string, sinceMs: number, untilMs: number): Promise<number>;
  /**
   * A site's raw events in a range, for export: the row count, then the rows in batches of at most
   * a few thousand, pulled on demand so memory stays constant. Returning from (or throwing into)
   * the iterator early releases what the read holds.
   */
  streamEvents(siteId: string, startMs: number, endMs: number): Promise<EventStream>;
  /** Visits (one per session_id) active in the range, newest activity first, paged. */
  recentVisits(siteId: string, startMs: number, endMs: number, page: PageRequest): Promise<VisitPage>;
  /** Events and pageviews per site in the range (sites with none are absent). */
  usage(startMs: number, endMs: number): Promise<SiteUsage[]>;
  /** The property keys one custom event carried in the range, most used first. */
  propertyKeys(
    siteId: string,
    eventName: string,
    startMs: number,
    endMs: number,
    limit: number,
  ): Promise<string[]>;
}

/** One exported event: `ts` is ISO 8601 UTC with milliseconds, the rest are the stored columns. */
export type ExportedEvent = Record<(typeof exportedColumns)[number], string> & {
  readonly prop_keys: readonly string[];
  readonly prop_values: readonly string[];
};

/** The stored string columns an export carries, besides `ts` and the properties. */
export const exportedColumns = [
  'ts',
  'event_type',
  'event_name',
  'hostname',
  'pathname',
  'query',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'referrer',
  'referrer_host',
  'session_id',
  'visitor_id',
  'device_type',
  'browser',
  'os',
  'country',
  'region',
  'city',
  'event_id',
] as const;

export interface EventStream {
  readonly rows: number;
  readonly batches: AsyncGenerator<ExportedEvent[]>;
}

export interface PageRequest {
  readonly limit: number;
  readonly offset: number;
}

export interface Visit {
  readonly visitorId: string;
  readonly sessionId: string;
  readonly startedMs: number;
  readonly lastMs: number;
  readonly pageviews: number;
  readonly events: number;
  readonly entryPage: string;
  readonly exitPage: string;
  readonly referrerHost: string;
  readonly country: string;
  readonly region: string;
  readonly city: string;
  readonly device: string;
  readonly browser: string;
  readonly os: string;
}

export interface VisitPage {
  readonly visits: Visit[];
  /** Visits in the whole range, whatever the page. */
  readonly total: number;
}

export interface SiteUsage {
  readonly siteId: string;
  readonly events: number;
  readonly pageviews: number;
}

/** A visit from a row whose columns are named as in both readers' SQL (NULL reads as ''). */
export function visitFromRow(row: Record<string, unknown>): Visit {
  return {
    visitorId: String(row.visitor_id),
    sessionId: String(row.session_id),
    startedMs: Number(row.started_ms),
    lastMs: Number(row.last_ms),
    pageviews: Number(row.pageviews),
    events: Number(row.events),
    entryPage: String(row.entry_page ?? ''),
    exitPage: String(row.exit_page ?? ''),
    referrerHost: String(row.referrer_host ?? ''),
    country: String(row.country ?? ''),
    region: String(row.region ?? ''),
    city: String(row.city ?? ''),
    device: String(row.device ?? ''),
    browser: String(row.browser ?? ''),
    os: String(row.os ?? ''),
  };
}

/** One site's usage from a row with `site_id`, `events` and `pageviews`, as both readers' SQL names them. */
export function siteUsageFromRow(row: Record<string, unknown>): SiteUsage {
  return { siteId: String(row.site_id), events: Number(row.events), pageviews: Number(row.pageviews) };
}
