/**
 * Email reports (issue 21): a weekly or monthly summary of one site, mailed to one address.
 * Members subscribe themselves; owners may add any address. Every mail carries an unsubscribe
 * link that works without signing in.
 */
export const reportFrequencies = ['weekly', 'monthly'] as const;
export type ReportFrequency = (typeof reportFrequencies)[number];

export interface ReportSubscription {
  /** `rs_` + random. */
  readonly id: string;
  readonly siteId: string;
  /** Lower-cased. */
  readonly email: string;
  readonly frequency: ReportFrequency;
  /**
   * The unsubscribe link's secret, kept as is: every mail must carry it, and all it can do is
   * stop this one report.
   */
  readonly unsubscribeToken: string;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
}

/** One mail to send: a subscription's report for one period (`YYYY-MM-DD`, the period's first day). */
export interface ReportSendKey {
  readonly subscriptionId: string;
  readonly periodStart: string;
}

/** Subscriptions and the record of sends: the metadata store of the mode (DuckDB or PostgreSQL). */
export interface ReportStore {
  /** Adds the subscription; false when the site already sends this report to this address. */
  createSubscription(subscription: ReportSubscription): Promise<boolean>;
  listSubscriptions(siteId?: string): Promise<ReportSubscription[]>;
  deleteSubscription(siteId: string, id: string): Promise<boolean>;
  /** Deletes the subscription of this unsubscribe token; the deleted one, or undefined. */
  unsubscribe(token: string): Promise<ReportSubscription | undefined>;
  /**
   * Claims one send for this node until `leaseUntilMs`: true for exactly one caller, on any node,
   * while the send is neither done nor claimed by a lease still running (a crashed sender's lease
   * runs out, and the send is claimed again), and fewer than `maxAttempts` attempts failed.
   */
  claimSend(key: ReportSendKey, nowMs: number, leaseUntilMs: number, maxAttempts: number): Promise<boolean>;
  /** The mail went out: never again for this period. */
  markSent(key: ReportSendKey, sentAtMs: number): Promise<void>;
  /** The attempt failed: counted, and the send may be claimed again from `retryAtMs`. */
  markFailed(key: ReportSendKey, retryAtMs: number): Promise<void>;
}
