import type { EventRetention } from '../retention.ts';
import type { ClickHouseClient } from './client.ts';
import { connectClickHouse } from './connect.ts';
import { sqlInt, sqlString } from './sql.ts';
import type { ClickHouseTarget } from './target.ts';
import { visitBucketMs } from './visit-buckets.ts';

/** The end (first instant of the next month, UTC) of a `YYYYMM` partition (`PARTITION BY toYYYYMM(ts)`). */
export function monthEndMs(yyyymm: number): number {
  return Date.UTC(Math.floor(yyyymm / 100), yyyymm % 100, 1);
}

/**
 * Retention for ClickHouse (scale-out), on each shard's own table (`events_local` with shards:
 * a Distributed table can neither drop partitions nor run mutations):
 * - months that end at or before the cutoff are dropped whole (`DROP PARTITION`: instant, no
 *   rewrite);
 * - the rest of the boundary month, the events before the cutoff in the month the cutoff falls
 *   in, goes by `ALTER TABLE … DELETE WHERE ts < cutoff`, a mutation that completes in the
 *   background. On 18.16 a mutation visits every active part of the table; parts with no row to
 *   delete are hard-linked unchanged (checked on the real server), only the boundary month is
 *   rewritten. It is submitted at most once per cutoff (= once a UTC day) by this node, and only
 *   when rows before the cutoff exist and no earlier retention mutation is still running.
 * Several nodes may run this at once: dropping a dropped partition does nothing, and a second
 * mutation with the same condition deletes nothing more. Mutations belong to a MergeTree table and
 * survive a server restart, so no work is lost when a node stops.
 */
export class ClickHouseRetention implements EventRetention {
  private readonly shards: readonly ClickHouseClient[];
  private readonly database: string;
  private readonly table: string;
  private readonly engagementTable: string;
  private readonly visitTable: string;
  /** The cutoff the boundary month was last trimmed to by this node. */
  private trimmedTo = Number.NEGATIVE_INFINITY;

  constructor(target: ClickHouseTarget) {
    this.shards = target.shardUrls.map((url) => connectClickHouse(target, url));
    this.table = target.shardUrls.length > 1 ? 'events_local' : 'events';
    this.engagementTable = target.shardUrls.length > 1 ? 'engagement_local' : 'engagement';
    this.visitTable = target.shardUrls.length > 1 ? 'visit_buckets_local' : 'visit_buckets';
    this.database = target.database;
  }

  async deleteBefore(cutoffMs: number): Promise<Record<string, number>> {
    let partitions = 0;
    let mutations = 0;
    let busy = false;
    const trim = cutoffMs > this.trimmedTo;
    for (const shard of this.shards) {
      partitions += await this.dropWholeMonths(shard, cutoffMs);
      // Heartbeats folded per pageview (engagement.ts) go by whole months of their last moment.
      partitions += await this.dropWholeMonths(shard, cutoffMs, this.engagementTable);
      // The visit rollup (visit-buckets.ts) by whole months of its 15-minute buckets; the
      // boundary month's buckets before the cutoff go with the events' trim below. Not counted:
      // its months mirror the events' months just counted.
      await this.dropWholeMonths(shard, cutoffMs, this.visitTable);
      if (!trim) continue;
      const outcome = await this.trimBoundaryMonth(shard, cutoffMs);
      if (outcome === 'submitted') mutations += 1;
      if (outcome === 'busy') busy = true;
    }
    // A shard still busy with an earlier trim is asked again at the next pass.
    if (trim && !busy) this.trimmedTo = cutoffMs;
    return { partitions, mutations };
  }

  /** Drops every partition whose month ends at or before the cutoff; returns how many. */
  private async dropWholeMonths(
    shard: ClickHouseClient,
    cutoffMs: number,
    table = this.table,
  ): Promise<number> {
    const rows = await shard.rows<{ partition: string }>(
      `SELECT DISTINCT partition FROM system.parts
       WHERE database = ${sqlString(this.database)} AND table = ${sqlString(table)} AND active`,
    );
    const expired = rows
      .map((row) => Number(row.partition))
      .filter((month) => Number.isSafeInteger(month) && monthEndMs(month) <= cutoffMs);
    for (const month of expired) {
      await shard.exec(`ALTER TABLE ${this.database}.${table} DROP PARTITION ${sqlInt(month)}`);
    }
    return expired.length;
  }

  /** Submits the boundary month's delete when it has rows to delete and no earlier one still runs. */
  private async trimBoundaryMonth(
    shard: ClickHouseClient,
    cutoffMs: number,
  ): Promise<'submitted' | 'nothing' | 'busy'> {
    const cutoff = `toDateTime(${sqlInt(Math.floor(cutoffMs / 1000))})`;
    const [pending] = await shard.rows<{ n: string }>(
      `SELECT count() AS n FROM system.mutations
       WHERE database = ${sqlString(this.database)} AND table = ${sqlString(this.table)}
         AND NOT is_done AND startsWith(command, 'DELETE WHERE ts < ')`,
    );
    if (Number(pending?.n ?? 0) > 0) return 'busy';
    const [old] = await shard.rows<{ n: string }>(
      `SELECT count() AS n FROM ${this.database}.${this.table} WHERE ts < ${cutoff}`,
    );
    if (Number(old?.n ?? 0) === 0) return 'nothing';
    await shard.exec(`ALTER TABLE ${this.database}.${this.table} DELETE WHERE ts < ${cutoff}`);
    // Buckets wholly before the cutoff (a bucket holding the cutoff keeps its later events' visits).
    await shard.exec(
      `ALTER TABLE ${this.database}.${this.visitTable} DELETE WHERE bucket < ${sqlInt(Math.floor(cutoffMs / visitBucketMs))}`,
    );
    return 'submitted';
  }
}
