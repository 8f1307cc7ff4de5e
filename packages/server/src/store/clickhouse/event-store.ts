import { createHash } from 'node:crypto';
import type { LogBatch, LogSink } from '../../event-log/log-loader.ts';
import { isHeartbeat, type LogRow, splitLogRows } from '../../ingest/heartbeat-types.ts';
import type { EventRow } from '../../ingest/types.ts';
import type { Logger } from '../../log.ts';
import type { EventStore } from '../types.ts';
import type { ClickHouseClient } from './client.ts';
import { connectClickHouse } from './connect.ts';
import { engagementInsertSql } from './engagement.ts';
import { type KeyedRow, rowsNotStored, untilNotRunning } from './insert-once.ts';
import { ensureSchema, eventColumns } from './schema.ts';
import { type ClickHouseVersion, serverVersion, versionChoices } from './server-version.ts';
import { sqlInt, sqlIntText, sqlString, sqlStringArray } from './sql.ts';
import type { ClickHouseTarget } from './target.ts';
import { dropVisitBuckets, fillVisitBuckets, markVisitBucketsBuilt } from './visit-buckets.ts';

export type { KeyedRow };

/** How to insert a batch that may have been inserted before (see insert-once.ts). */
export interface AppendOptions {
  /** Send only the rows ClickHouse does not hold yet (an earlier attempt's outcome is unknown). */
  readonly onlyMissing?: boolean;
  /** The insert's query id, the same at every attempt of the same batch. */
  readonly insertId?: string;
}

/** Earlier rows get a larger precedence (see schema.ts); good until the year 2286. */
const precedenceBase = 10_000_000_000_000;

const columnList = eventColumns.map(([name]) => name).join(', ');

/**
 * Events in ClickHouse. Batched `INSERT … VALUES` over HTTP; resolves when ClickHouse has
 * confirmed the insert (with shards: once every shard has its part, by the setting the server's
 * version names, server-version.ts).
 */
export class ClickHouseEventStore implements EventStore, LogSink {
  private schemaReady = false;
  private detected: ClickHouseVersion | null = null;
  /** Settings of every INSERT: with shards, wait for all of them. */
  private insertSettings: Readonly<Record<string, string>> = {};
  /** The visit rollup's fill from stored events (an upgrade); inserts wait for it. */
  private rollupFill: Promise<void> = Promise.resolve();
  private schemaStep: Promise<void> | null = null;

  private constructor(
    private readonly shards: readonly ClickHouseClient[],
    private readonly database: string,
    private readonly log: Logger | undefined,
  ) {}

  /**
   * Creates the schema when ClickHouse answers; when it does not, the store opens anyway (a node
   * must be able to start and spool during an outage) and creates it before the first insert.
   */
  static async open(
    target: ClickHouseTarget,
    options: { onUnreachable?: (error: Error) => void; log?: Logger } = {},
  ): Promise<ClickHouseEventStore> {
    const shards = target.shardUrls.map((url) => connectClickHouse(target, url));
    const store = new ClickHouseEventStore(shards, target.database, options.log);
    try {
      await store.ensureSchema();
    } catch (error) {
      if (!options.onUnreachable) throw error;
      options.onUnreachable(error instanceof Error ? error : new Error(String(error)));
    }
    return store;
  }

  /**
   * Asks the version when it first reaches the server (at open, or after an outage). One step at a
   * time: two concurrent ones could both fill a new rollup (counting its visits twice).
   */
  private ensureSchema(): Promise<void> {
    if (this.schemaReady) return Promise.resolve();
    this.schemaStep ??= this.createSchema().finally(() => {
      this.schemaStep = null;
    });
    return this.schemaStep;
  }

  private async createSchema(): Promise<void> {
    const version = await serverVersion(this.entry());
    const newRollups = await ensureSchema(this.shards, this.database);
    this.detected = version;
    if (this.shards.length > 1) this.insertSettings = versionChoices(version).syncDistributedInsert;
    this.rollupFill = newRollups.length > 0 ? this.fillRollup(newRollups) : Promise.resolve();
    // Awaited by inserts; a failure is logged there and the fill is tried again (fillRollup).
    this.rollupFill.catch(() => undefined);
    this.schemaReady = true;
  }

  /**
   * Fills rollup tables created just now from the events stored before (in the background: the
   * node starts and its log accepts meanwhile; inserts wait), then records it. A fill that fails
   * is dropped, so that the next insert's schema step creates and fills it again from nothing.
   */
  private async fillRollup(shardIndexes: readonly number[]): Promise<void> {
    try {
      for (const index of shardIndexes) {
        const shard = this.shards[index]!;
        await fillVisitBuckets(shard, this.database, this.shards.length, (done, of) => {
          if (of > 1)
            this.log?.info('visit rollup progress', {
              shard: index,
              months: done,
              of,
              percent: Math.round((done / of) * 100),
            });
        });
      }
      await markVisitBucketsBuilt(this.entry(), this.database);
    } catch (error) {
      this.log?.error('could not build the visit rollup; trying again before the next insert', {
        error: error instanceof Error ? error.message : String(error),
      });
      for (const index of shardIndexes) {
        await dropVisitBuckets(this.shards[index]!, this.database, this.shards.length).catch(() => undefined);
      }
      this.schemaReady = false;
      throw error;
    }
  }

  /** The entry server's version, once it has answered. */
  get serverVersion(): ClickHouseVersion | null {
    return this.detected;
  }

  /** Resolves once the visit rollup holds every stored event (at once unless an upgrade fills it). */
  async rollupBuilt(): Promise<void> {
    await this.ensureSchema();
    await this.rollupFill;
  }

  /**
   * Direct appends (without a spool) key rows by their event id, or by their content, and send
   * only what is not stored yet: calling it again with the same rows stores nothing twice.
   */
  append(rows: readonly LogRow[]): Promise<void> {
    return this.appendKeyed(
      rows.map((row) => ({ key: isHeartbeat(row) ? '' : keyOf(row), row })),
      { onlyMissing: true },
    );
  }

  /**
   * The log's batch. ClickHouse has no transaction to keep a position in, so a batch that may have
   * landed before is sent with only the rows it lacks (insert-once.ts); the query id is the same
   * for every attempt at the same bytes of the same log.
   */
  load(rows: readonly KeyedRow[], batch: LogBatch): Promise<void> {
    return this.appendKeyed(rows, {
      onlyMissing: batch.replay,
      insertId: `zenovay-log-${batch.logId}-${batch.sequence}-${batch.from}`,
    });
  }

  /** Unknown: every segment left on disk at start is replayed with only the missing rows. */
  async loadedPosition(): Promise<null> {
    return null;
  }

  async appendKeyed(keyed: readonly KeyedRow[], options: AppendOptions = {}): Promise<void> {
    if (keyed.length === 0) return;
    await this.rollupBuilt();
    const { events: rows, heartbeats } = splitLogRows(keyed);
    // Before the events: folded with max() on read, so sending them again on a retry is harmless.
    const engagement = engagementInsertSql(this.database, heartbeats);
    if (engagement !== null) await this.entry().exec(engagement, this.insertSettings);
    if (rows.length === 0) return;
    const insertId = options.insertId;
    let sending = rows;
    if (options.onlyMissing) {
      if (insertId !== undefined) await untilNotRunning(this.entry(), insertId);
      sending = await rowsNotStored(this.entry(), `${this.database}.events`, rows);
      if (sending.length === 0) return;
    }
    const values = sending.map(valuesTuple).join(',\n');
    await this.entry().exec(
      `INSERT INTO ${this.database}.events (${columnList}) VALUES\n${values}`,
      insertId === undefined ? this.insertSettings : { ...this.insertSettings, query_id: insertId },
    );
  }

  async recentEventIds(sinceMs: number): Promise<Array<{ siteId: string; eventId: string; ts: number }>> {
    const rows = await this.entry().rows<{ site_id: string; event_id: string; ts_ms: string }>(
      `SELECT site_id, event_id, ts_ms FROM ${this.database}.events
       WHERE event_id != '' AND ts >= toDateTime(${sqlInt(Math.floor(sinceMs / 1000))})
         AND ts_ms >= ${sqlInt(Math.floor(sinceMs))}
       ORDER BY ts_ms`,
    );
    return rows.map((row) => ({ siteId: row.site_id, eventId: row.event_id, ts: Number(row.ts_ms) }));
  }

  async recentServerVisits(
    sinceMs: number,
  ): Promise<Array<{ siteId: string; visitorId: string; sessionId: string; lastMs: number }>> {
    const rows = await this.entry().rows<{
      site_id: string;
      visitor_id: string;
      last_session: string;
      last_ms: string;
    }>(
      `SELECT site_id, visitor_id, argMax(session_id, ts_ms) AS last_session, max(ts_ms) AS last_ms
       FROM ${this.database}.events
       WHERE ts >= toDateTime(${sqlInt(Math.floor(sinceMs / 1000))}) AND ts_ms >= ${sqlInt(Math.floor(sinceMs))}
         AND startsWith(session_id, 'zs_')
       GROUP BY site_id, visitor_id
       ORDER BY last_ms`,
    );
    return rows.map((row) => ({
      siteId: row.site_id,
      visitorId: row.visitor_id,
      sessionId: row.last_session,
      lastMs: Number(row.last_ms),
    }));
  }

  /**
   * Every stored row of a site, oldest first, as stored: no FINAL, so a copy stored twice shows
   * twice (tests assert on it).
   */
  async siteEvents(siteId: string): Promise<Array<EventRow & { rowKey: string }>> {
    const rows = await this.entry().rows<Record<string, unknown>>(
      `SELECT ${columnList} FROM ${this.database}.events
       WHERE site_id = ${sqlString(siteId)} ORDER BY ts_ms, row_key`,
    );
    return rows.map(rowFromJson);
  }

  /** Removes a site's events on every shard (a mutation; it completes in the background). */
  async deleteSiteEvents(siteId: string): Promise<void> {
    const table = this.shards.length > 1 ? 'events_local' : 'events';
    const engagement = this.shards.length > 1 ? 'engagement_local' : 'engagement';
    for (const shard of this.shards) {
      await shard.exec(`ALTER TABLE ${this.database}.${table} DELETE WHERE site_id = ${sqlString(siteId)}`);
      await shard.exec(
        `ALTER TABLE ${this.database}.${engagement} DELETE WHERE site_id = ${sqlString(siteId)}`,
      );
      const visits = this.shards.length > 1 ? 'visit_buckets_local' : 'visit_buckets';
      await shard.exec(`ALTER TABLE ${this.database}.${visits} DELETE WHERE site_id = ${sqlString(siteId)}`);
    }
  }

  /** True when the entry server answers its ping. */
  ping(): Promise<boolean> {
    return this.entry().ping();
  }

  /** Inserts and reads go through the first shard; its Distributed table fans out. */
  private entry(): ClickHouseClient {
    return this.shards[0]!;
  }

  close(): void {
    // HTTP: nothing held open between requests.
  }
}

/** `e:<event_id>` folds the sender's retries; without one, the content identifies a replayed row. */
export function keyOf(row: EventRow): string {
  if (row.eventId !== '') return `e:${row.eventId}`;
  return `h:${createHash('sha256').update(JSON.stringify(row)).digest('hex').slice(0, 32)}`;
}

function valuesTuple({ key, row }: { key: string; row: EventRow }): string {
  const ts = Math.floor(row.ts);
  return `(${[
    sqlInt(Math.floor(ts / 1000)),
    sqlInt(ts),
    sqlString(row.siteId),
    sqlString(row.eventType),
    sqlString(row.eventName),
    sqlString(row.hostname),
    sqlString(row.pathname),
    sqlString(row.query),
    sqlString(row.utmSource),
    sqlString(row.utmMedium),
    sqlString(row.utmCampaign),
    sqlString(row.utmTerm),
    sqlString(row.utmContent),
    sqlString(row.referrer),
    sqlString(row.referrerHost),
    sqlString(row.sessionId),
    sqlString(row.visitorId),
    sqlString(row.deviceType),
    sqlString(row.browser),
    sqlString(row.os),
    sqlString(row.country),
    sqlString(row.region),
    sqlString(row.city),
    sqlStringArray(row.propKeys),
    sqlStringArray(row.propValues),
    sqlString(row.eventId),
    sqlString(key),
    sqlInt(precedenceBase - ts),
    sqlIntText(row.revenueE4 ?? '0'),
    sqlString(row.revenueCurrency ?? ''),
    sqlInt(row.interactive === false ? 0 : 1),
  ].join(',')})`;
}

function rowFromJson(row: Record<string, unknown>): EventRow & { rowKey: string } {
  const s = (name: string) => String(row[name]);
  return {
    ts: Number(row.ts_ms),
    siteId: s('site_id'),
    eventType: s('event_type') as EventRow['eventType'],
    eventName: s('event_name'),
    hostname: s('hostname'),
    pathname: s('pathname'),
    query: s('query'),
    utmSource: s('utm_source'),
    utmMedium: s('utm_medium'),
    utmCampaign: s('utm_campaign'),
    utmTerm: s('utm_term'),
    utmContent: s('utm_content'),
    referrer: s('referrer'),
    referrerHost: s('referrer_host'),
    sessionId: s('session_id'),
    visitorId: s('visitor_id'),
    deviceType: s('device_type'),
    browser: s('browser'),
    os: s('os'),
    country: s('country'),
    region: s('region'),
    city: s('city'),
    propKeys: row.prop_keys as string[],
    propValues: row.prop_values as string[],
    eventId: s('event_id'),
    revenueE4: s('revenue_e4'),
    revenueCurrency: s('revenue_currency'),
    interactive: Number(row.interactive) !== 0,
    rowKey: s('row_key'),
  };
}
