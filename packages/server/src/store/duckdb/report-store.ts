import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { subscriptionFromRow } from '../../reports/report-rows.ts';
import type { ReportSendKey, ReportStore, ReportSubscription } from '../../reports/types.ts';
import { SerialQueue } from './serial.ts';

const subscriptionColumns = `id, site_id, email, frequency, unsubscribe_token,
  strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at`;

/**
 * Report subscriptions and sends in the embedded DuckDB file (migration 16). One process owns the
 * file; its claims are checked and written in one transaction on this serialised connection.
 */
export class DuckDbReportStore implements ReportStore {
  private readonly queue = new SerialQueue();

  private constructor(private readonly connection: DuckDBConnection) {}

  static async open(instance: DuckDBInstance): Promise<DuckDbReportStore> {
    return new DuckDbReportStore(await instance.connect());
  }

  createSubscription(subscription: ReportSubscription): Promise<boolean> {
    return this.transaction(async () => {
      const taken = await this.rows(
        'SELECT id FROM report_subscriptions WHERE site_id = $1 AND email = $2 AND frequency = $3',
        [subscription.siteId, subscription.email, subscription.frequency],
      );
      if (taken.length > 0) return false;
      await this.connection.run(
        `INSERT INTO report_subscriptions (id, site_id, email, frequency, unsubscribe_token, created_at)
         VALUES ($1, $2, $3, $4, $5, CAST($6 AS TIMESTAMP))`,
        [
          subscription.id,
          subscription.siteId,
          subscription.email,
          subscription.frequency,
          subscription.unsubscribeToken,
          subscription.createdAt.replace('Z', ''),
        ],
      );
      return true;
    });
  }

  listSubscriptions(siteId?: string): Promise<ReportSubscription[]> {
    return this.queue.run(async () => {
      const where = siteId === undefined ? '' : 'WHERE site_id = $1';
      const rows = await this.rows(
        `SELECT ${subscriptionColumns} FROM report_subscriptions ${where} ORDER BY report_subscriptions.created_at, id`,
        siteId === undefined ? [] : [siteId],
      );
      return rows.map(subscriptionFromRow);
    });
  }

  deleteSubscription(siteId: string, id: string): Promise<boolean> {
    return this.transaction(async () => {
      const rows = await this.rows(
        'DELETE FROM report_subscriptions WHERE site_id = $1 AND id = $2 RETURNING id',
        [siteId, id],
      );
      await this.connection.run('DELETE FROM report_sends WHERE subscription_id = $1', [id]);
      return rows.length > 0;
    });
  }

  unsubscribe(token: string): Promise<ReportSubscription | undefined> {
    return this.queue.run(async () => {
      const rows = await this.rows(
        `DELETE FROM report_subscriptions WHERE unsubscribe_token = $1 RETURNING ${subscriptionColumns}`,
        [token],
      );
      return rows[0] ? subscriptionFromRow(rows[0]) : undefined;
    });
  }

  claimSend(key: ReportSendKey, nowMs: number, leaseUntilMs: number, maxAttempts: number): Promise<boolean> {
    return this.transaction(async () => {
      const rows = await this.rows(
        'SELECT state, attempts, claimed_until_ms FROM report_sends WHERE subscription_id = $1 AND period_start = $2',
        [key.subscriptionId, key.periodStart],
      );
      const row = rows[0];
      if (!row) {
        await this.connection.run(
          `INSERT INTO report_sends (subscription_id, period_start, state, attempts, claimed_until_ms)
           VALUES ($1, $2, 'pending', 0, $3)`,
          [key.subscriptionId, key.periodStart, leaseUntilMs],
        );
        return true;
      }
      if (
        row.state !== 'pending' ||
        Number(row.claimed_until_ms) > nowMs ||
        Number(row.attempts) >= maxAttempts
      )
        return false;
      await this.connection.run(
        'UPDATE report_sends SET claimed_until_ms = $3 WHERE subscription_id = $1 AND period_start = $2',
        [key.subscriptionId, key.periodStart, leaseUntilMs],
      );
      return true;
    });
  }

  markSent(key: ReportSendKey, sentAtMs: number): Promise<void> {
    return this.queue.run(async () => {
      await this.connection.run(
        `UPDATE report_sends SET state = 'sent', sent_at_ms = $3, attempts = attempts + 1
         WHERE subscription_id = $1 AND period_start = $2`,
        [key.subscriptionId, key.periodStart, sentAtMs],
      );
    });
  }

  markFailed(key: ReportSendKey, retryAtMs: number): Promise<void> {
    return this.queue.run(async () => {
      await this.connection.run(
        `UPDATE report_sends SET attempts = attempts + 1, claimed_until_ms = $3
         WHERE subscription_id = $1 AND period_start = $2 AND state = 'pending'`,
        [key.subscriptionId, key.periodStart, retryAtMs],
      );
    });
  }

  close(): void {
    this.connection.closeSync();
  }

  private transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        const result = await work();
        await this.connection.run('COMMIT');
        return result;
      } catch (error) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  private async rows(sql: string, params: Array<string | number> = []): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  }
}
