import type { GoalService } from '../goals/goal-service.ts';
import type { Logger } from '../log.ts';
import type { StatsEngine } from '../stats/index.ts';
import type { MetadataStore } from '../store/types.ts';
import type { Mailer } from './mailer.ts';
import { lastCompletedPeriod } from './period.ts';
import { renderReport } from './render.ts';
import { buildReport } from './report-data.ts';
import type { ReportStore } from './types.ts';

/** How long a claimed send is this node's before another may take it over (a crashed sender's). */
export const sendLeaseMs = 10 * 60_000;
/** Attempts per mail before it is given up, 5 minutes apart. */
export const maxSendAttempts = 5;
export const retryAfterMs = 5 * 60_000;
/**
 * How long a shutdown waits for a mail being sent (SIGTERM gives a container 10 s in all). A send
 * that takes longer is left to its lease: sent again, rarely twice, after the lease runs out.
 */
export const stopGraceMs = 5_000;

export interface ReportSchedulerDeps {
  readonly store: ReportStore;
  readonly metadata: MetadataStore;
  readonly stats: StatsEngine;
  readonly goals: GoalService;
  readonly mailer: Mailer;
  /** `https://analytics.example.com`: unsubscribe links start with it. */
  readonly publicUrl: string;
  readonly log: Logger;
}

export interface PassResult {
  readonly sent: number;
  readonly failed: number;
}

/**
 * Sends every report that is due: for each subscription, the last whole period in its site's time
 * zone, once (a new subscriber gets the last whole period's at the next pass). Each send is claimed in the metadata store first, so however many nodes tick and
 * however often the server restarts, one mail goes out per subscription and period; a failed
 * attempt is retried 5 minutes later, up to 5 times. Runs on its own timer, off the ingest path.
 */
export class ReportScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PassResult> | null = null;
  /** Set by `stop`: the pass in progress finishes the send in hand and claims no other. */
  private stopping = false;

  constructor(private readonly deps: ReportSchedulerDeps) {}

  /** One pass at `nowMs`; concurrent calls share the pass in progress. None once stopped. */
  pass(nowMs: number): Promise<PassResult> {
    if (this.stopping) return Promise.resolve({ sent: 0, failed: 0 });
    this.running ??= this.sendDue(nowMs).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  start(intervalMs: number, now: () => number): void {
    this.timer = setInterval(() => {
      this.pass(now()).catch((error: unknown) =>
        this.deps.log.warn('report pass failed', {
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    }, intervalMs);
    this.timer.unref();
  }

  /**
   * Stops the timer and waits, at most `graceMs`, for a mail being sent to go out and be recorded
   * as sent (or failed), so a shutdown never leaves a delivered mail claimed but unrecorded, to be
   * sent again once its lease runs out. No send is claimed after this is called. Resolves true
   * when nothing is left in flight, false when the wait gave up (the claim's lease then decides).
   * Never rejects.
   */
  async stop(graceMs: number = stopGraceMs): Promise<boolean> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const running = this.running;
    if (running === null) return true;
    this.deps.log.info('waiting for the report mail being sent before stopping', { grace_ms: graceMs });
    let timeout: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      running.then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => {
        timeout = setTimeout(() => resolve(false), graceMs);
        timeout.unref();
      }),
    ]);
    clearTimeout(timeout);
    if (!finished)
      this.deps.log.warn('stopped with a report mail still being sent; its claim runs out in 10 minutes', {
        grace_ms: graceMs,
      });
    return finished;
  }

  private async sendDue(nowMs: number): Promise<PassResult> {
    const sites = new Map((await this.deps.metadata.listSites()).map((site) => [site.id, site]));
    let sent = 0;
    let failed = 0;
    for (const subscription of await this.deps.store.listSubscriptions()) {
      if (this.stopping) break;
      const site = sites.get(subscription.siteId);
      if (!site) continue;
      const period = lastCompletedPeriod(subscription.frequency, site.timezone || 'UTC', nowMs);
      const key = { subscriptionId: subscription.id, periodStart: period.start };
      if (!(await this.deps.store.claimSend(key, nowMs, nowMs + sendLeaseMs, maxSendAttempts))) continue;
      try {
        const data = await buildReport(this.deps, site, subscription.frequency, period, nowMs);
        const unsubscribeUrl = `${this.deps.publicUrl}/reports/unsubscribe/${subscription.unsubscribeToken}`;
        const mail = renderReport(data, unsubscribeUrl);
        await this.deps.mailer({
          to: subscription.email,
          unsubscribeUrl,
          oneClickUnsubscribe: true,
          ...mail,
        });
        await this.deps.store.markSent(key, nowMs);
        sent += 1;
      } catch (error) {
        failed += 1;
        await this.deps.store.markFailed(key, nowMs + retryAfterMs);
        // The address is the operator's to know; the error says why (no visitor data in it).
        this.deps.log.warn('report not sent; will retry', {
          site_id: site.id,
          period: period.start,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return { sent, failed };
  }
}
