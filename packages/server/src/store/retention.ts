import type { Logger } from '../log.ts';

/**
 * Data retention (`ZENOVAY_RETENTION_DAYS`): events and refusal counters older than the retention
 * period are deleted by a background job. 0 keeps everything forever, so deleting data is never a
 * surprise of an upgrade. The period counts whole UTC days: with 30 days, on 2026-03-31 at any hour
 * the oldest day kept is 2026-03-01, and everything before 2026-03-01T00:00Z is deleted.
 */

const dayMs = 86_400_000;

/** The first instant kept: the start of the UTC day `days` days before the day of `nowMs`. */
export function retentionCutoffMs(nowMs: number, days: number): number {
  return (Math.floor(nowMs / dayMs) - days) * dayMs;
}

/** Where events live, seen from the retention job: deletes every event before `cutoffMs`. */
export interface EventRetention {
  /** Returns what it did, for the log (numbers only: days, rows, partitions, …). */
  deleteBefore(cutoffMs: number): Promise<Record<string, number>>;
}

export interface RetentionJobOptions {
  readonly days: number;
  readonly now: () => number;
  readonly log: Logger;
  readonly intervalMs: number;
  readonly events: EventRetention;
  /** Deletes refusal counters of days before `day` (`YYYY-MM-DD`, UTC). */
  readonly deleteRefusalsBefore: (day: string) => Promise<number>;
}

/**
 * Runs retention at start and then every `intervalMs` (the timer does not keep the process alive).
 * Every step is idempotent, so a pass interrupted by a crash or run by several nodes at once
 * leaves nothing wrong behind: the next pass finishes the work.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  private constructor(private readonly options: RetentionJobOptions) {}

  /** null when retention is off (`days` = 0): nothing is scheduled and nothing is ever deleted. */
  static start(options: RetentionJobOptions): RetentionJob | null {
    if (options.days <= 0) return null;
    const job = new RetentionJob(options);
    void job.pass();
    job.timer = setInterval(() => void job.pass(), options.intervalMs);
    job.timer.unref();
    return job;
  }

  /**
   * A pass that begins at or after this call (so it sees the clock as it is now); never rejects.
   * While one runs, calls share a single follow-up pass instead of piling up.
   */
  pass(): Promise<void> {
    if (this.running === null) {
      this.running = this.runOnce().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    this.next ??= this.running.then(() => {
      this.next = null;
      return this.pass();
    });
    return this.next;
  }

  private async runOnce(): Promise<void> {
    const { days, now, log, events, deleteRefusalsBefore } = this.options;
    const cutoffMs = retentionCutoffMs(now(), days);
    const cutoffDay = new Date(cutoffMs).toISOString().slice(0, 10);
    try {
      const done = await events.deleteBefore(cutoffMs);
      const refusals = await deleteRefusalsBefore(cutoffDay);
      if (Object.values(done).some((n) => n > 0) || refusals > 0) {
        log.info('retention: deleted data older than the retention period', {
          before: cutoffDay,
          ...done,
          refusalCounters: refusals,
        });
      }
    } catch (error) {
      log.warn('retention pass failed; retrying on the next pass', {
        before: cutoffDay,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.next;
    await this.running;
  }
}
