import type pg from 'pg';
import { subscriptionFromRow } from '../../reports/report-rows.ts';
import type { ReportSendKey, ReportStore, ReportSubscription } from '../../reports/types.ts';

const subscriptionColumns = `id, site_id, email, frequency, unsubscribe_token,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at`;

/**
 * Report subscriptions and sends in PostgreSQL (migration 008), shared by every node: a claim is
 * one INSERT … ON CONFLICT DO UPDATE … WHERE, so of several nodes ticking at once one sends.
 */
export class PostgresReportStore implements ReportStore {
  constructor(private readonly pool: pg.Pool) {}

  async createSubscription(subscription: ReportSubscription): Promise<boolean> {
    const result = await this.pool.query(
      `INSERT INTO report_subscriptions (id, site_id, email, frequency, unsubscribe_token, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (site_id, email, frequency) DO NOTHING`,
      [
        subscription.id,
        subscription.siteId,
        subscription.email,
        subscription.frequency,
        subscription.unsubscribeToken,
        subscription.createdAt,
      ],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async listSubscriptions(siteId?: string): Promise<ReportSubscription[]> {
    const where = siteId === undefined ? '' : 'WHERE site_id = $1';
    const { rows } = await this.pool.query(
      `SELECT ${subscriptionColumns} FROM report_subscriptions ${where} ORDER BY report_subscriptions.created_at, id`,
      siteId === undefined ? [] : [siteId],
    );
    return rows.map(subscriptionFromRow);
  }

  async deleteSubscription(siteId: string, id: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM report_subscriptions WHERE site_id = $1 AND id = $2', [
      siteId,
      id,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async unsubscribe(token: string): Promise<ReportSubscription | undefined> {
    const { rows } = await this.pool.query(
      `DELETE FROM report_subscriptions WHERE unsubscribe_token = $1 RETURNING ${subscriptionColumns}`,
      [token],
    );
    return rows[0] ? subscriptionFromRow(rows[0]) : undefined;
  }

  async claimSend(
    key: ReportSendKey,
    nowMs: number,
    leaseUntilMs: number,
    maxAttempts: number,
  ): Promise<boolean> {
    const result = await this.pool.query(
      `INSERT INTO report_sends (subscription_id, period_start, state, attempts, claimed_until_ms)
       VALUES ($1, $2, 'pending', 0, $3)
       ON CONFLICT (subscription_id, period_start) DO UPDATE SET claimed_until_ms = excluded.claimed_until_ms
       WHERE report_sends.state = 'pending' AND report_sends.claimed_until_ms <= $4 AND report_sends.attempts < $5`,
      [key.subscriptionId, key.periodStart, leaseUntilMs, nowMs, maxAttempts],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async markSent(key: ReportSendKey, sentAtMs: number): Promise<void> {
    await this.pool.query(
      `UPDATE report_sends SET state = 'sent', sent_at_ms = $3, attempts = attempts + 1
       WHERE subscription_id = $1 AND period_start = $2`,
      [key.subscriptionId, key.periodStart, sentAtMs],
    );
  }

  async markFailed(key: ReportSendKey, retryAtMs: number): Promise<void> {
    await this.pool.query(
      `UPDATE report_sends SET attempts = attempts + 1, claimed_until_ms = $3
       WHERE subscription_id = $1 AND period_start = $2 AND state = 'pending'`,
      [key.subscriptionId, key.periodStart, retryAtMs],
    );
  }
}
