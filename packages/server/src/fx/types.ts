/** One published reference rate: units of `currency` per 1 EUR on `day` (YYYY-MM-DD). */
export interface PublishedRate {
  readonly day: string;
  readonly currency: string;
  readonly perEur: number;
}

/** One stored rate of a calendar day; `sourceDay` is the ECB date it was published (≤ day). */
export interface FxRow {
  readonly day: string;
  readonly currency: string;
  readonly perEur: number;
  readonly sourceDay: string;
}

/** Where the rates the stats convert with are kept: DuckDB (embedded) or every ClickHouse shard. */
export interface FxRateStore {
  /**
   * Stores the rows. A row replaces a stored one of the same day and currency only when it was
   * published on the same day or later, so a carried (weekend, holiday) rate never replaces a
   * published one. `written`: rows inserted or replaced (ClickHouse: rows sent to each shard).
   */
  importRates(rows: readonly FxRow[]): Promise<{ written: number }>;
}
