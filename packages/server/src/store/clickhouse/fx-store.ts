import type { FxRateStore, FxRow } from '../../fx/types.ts';
import type { ClickHouseClient } from './client.ts';
import { connectClickHouse } from './connect.ts';
import { fxRatesTable } from './schema.ts';
import { sqlFloat, sqlIdentifier, sqlInt, sqlString } from './sql.ts';
import type { ClickHouseTarget } from './target.ts';

/** Rows per INSERT: a few hundred kilobytes of VALUES, well under any server's query size limit. */
const batchRows = 5_000;

/**
 * Exchange rates in ClickHouse, written to EVERY shard (the table is local on each, not
 * Distributed: stats join it beside each shard's events). ReplacingMergeTree(source_version)
 * keeps the latest-published copy of a (currency, day), so a re-import never lets a carried rate
 * replace a published one; readers take `argMax(per_eur, source_version)` until parts merge.
 */
export class ClickHouseFxStore implements FxRateStore {
  private readonly shards: readonly ClickHouseClient[];

  constructor(private readonly target: ClickHouseTarget) {
    this.shards = target.shardUrls.map((url) => connectClickHouse(target, url, {}, 120_000));
  }

  async importRates(rows: readonly FxRow[]): Promise<{ written: number }> {
    const table = `${sqlIdentifier(this.target.database)}.fx_rates`;
    for (const shard of this.shards) {
      // Idempotent, and cheap: a CLI import on a cluster no node has started yet still works.
      await shard.exec(`CREATE DATABASE IF NOT EXISTS ${sqlIdentifier(this.target.database)}`);
      await shard.exec(fxRatesTable(this.target.database));
      for (let start = 0; start < rows.length; start += batchRows) {
        const values = rows
          .slice(start, start + batchRows)
          .map(
            (row) =>
              `(${sqlString(row.day)},${sqlString(row.currency)},${sqlFloat(row.perEur)},${sqlInt(sourceVersion(row.sourceDay))})`,
          );
        await shard.exec(
          `INSERT INTO ${table} (day, currency, per_eur, source_version) VALUES ${values.join(',')}`,
        );
      }
    }
    return { written: rows.length };
  }
}

/** `2026-03-06` → 20260306: later publications are larger. */
function sourceVersion(day: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a day: ${day}`);
  return Number(day.replaceAll('-', ''));
}
