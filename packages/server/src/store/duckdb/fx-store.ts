import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { FxRateStore, FxRow } from '../../fx/types.ts';
import { SerialQueue } from './serial.ts';

/**
 * Exchange rates in the embedded file (`fx_rates`, migration 9). An import is appended to a
 * temporary table (the historic file fills ~300k rows: one statement per row would take minutes),
 * then merged in one statement: a row replaces a stored one only when published on the same day
 * or later, so a carried weekend rate never replaces a published one.
 */
export class DuckDbFxStore implements FxRateStore {
  private readonly queue = new SerialQueue();

  private constructor(private readonly connection: DuckDBConnection) {}

  static async open(instance: DuckDBInstance): Promise<DuckDbFxStore> {
    return new DuckDbFxStore(await instance.connect());
  }

  importRates(rows: readonly FxRow[]): Promise<{ written: number }> {
    if (rows.length === 0) return Promise.resolve({ written: 0 });
    return this.queue.run(async () => {
      await this.connection.run(
        'CREATE OR REPLACE TEMP TABLE fx_import (day VARCHAR, currency VARCHAR, per_eur DOUBLE, source_day VARCHAR)',
      );
      try {
        const appender = await this.connection.createAppender('fx_import', 'main', 'temp');
        try {
          for (const row of rows) {
            appender.appendVarchar(row.day);
            appender.appendVarchar(row.currency);
            appender.appendDouble(row.perEur);
            appender.appendVarchar(row.sourceDay);
            appender.endRow();
          }
          appender.flushSync();
        } finally {
          appender.closeSync();
        }
        const result = await this.connection.run(
          `INSERT INTO fx_rates (day, currency, per_eur, source_day)
           SELECT day, currency, per_eur, source_day FROM fx_import
           ON CONFLICT (day, currency) DO UPDATE SET per_eur = excluded.per_eur, source_day = excluded.source_day
           WHERE excluded.source_day >= fx_rates.source_day`,
        );
        return { written: Number(result.rowsChanged) };
      } finally {
        await this.connection.run('DROP TABLE IF EXISTS fx_import').catch(() => undefined);
      }
    });
  }

  close(): void {
    this.connection.closeSync();
  }
}
