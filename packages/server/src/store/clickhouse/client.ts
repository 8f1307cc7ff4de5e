/**
 * What the store, the stats and the funnels need from a ClickHouse server. ClickHouseHttp
 * (http-client.ts) is the implementation a node uses; tests also run the same code on ClickHouse
 * in process (test/support/chdb-client.ts), so every statement is checked on a current release
 * as well as on 18.16 (docs/scale-out.md, "Supported ClickHouse versions and how they are tested").
 */
export interface ClickHouseClient {
  /** Where it points (logs and error messages). */
  readonly url: string;
  /** The same server with more settings (or HTTP parameters such as `session_id`). */
  withSettings(settings: Record<string, string>): ClickHouseClient;
  /** Runs a statement; returns the raw response text. */
  exec(sql: string, settings?: Record<string, string>): Promise<string>;
  /** Runs a SELECT and parses its `FORMAT JSONEachRow` answer. */
  rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Runs a SELECT and yields its rows in batches of at most `batchSize`. */
  streamRows<T = Record<string, unknown>>(sql: string, batchSize?: number): AsyncGenerator<T[]>;
  ping(): Promise<boolean>;
}

/** Opens a client for one server of a target (`ClickHouseTarget.connect`). */
export type ClickHouseConnect = (
  url: string,
  settings: Record<string, string>,
  timeoutMs: number,
) => ClickHouseClient;

/**
 * Settings every statement runs with, whatever the server's version. ClickHouse 25.8 stopped
 * quoting 64-bit integers in JSON by default; unquoted, a revenue amount or a count beyond 2^53
 * would lose digits in JSON.parse. 18.16 quotes them by default and knows the setting.
 */
export const pinnedSettings: Readonly<Record<string, string>> = {
  output_format_json_quote_64bit_integers: '1',
};
