import fs from 'node:fs';
import os from 'node:os';
import type { Logger } from './log.ts';

/**
 * The request path first. Every thread of this process but the main one — DuckDB's workers,
 * libuv's pool (where DuckDB runs queries and the loader's statements), V8's helpers — is given a
 * lower CPU priority (a higher nice value), so a heavy dashboard query that keeps both cores busy
 * yields them to the event loop the moment a request arrives, instead of sharing them evenly with
 * it. Nothing is slower while the event loop is idle: nice only decides who waits when both want
 * a core. Measured by `npm run bench:ingest` ("p99 beside a 10M-event dashboard query").
 *
 * Linux only: there `setpriority(PRIO_PROCESS, tid)` sets one thread (`/proc/self/task` lists them),
 * and a thread a niced thread starts inherits its value. Raising nice needs no privilege. Elsewhere,
 * or with `nice` 0, nothing is changed.
 */
export class BackgroundThreadPriority {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly nice: number,
    private readonly log: Logger,
  ) {}

  /**
   * Lowers every thread seen now, and again every `intervalMs` for threads started later (DuckDB
   * and libuv start theirs on first use). Returns how many threads were lowered now.
   */
  start(intervalMs = 30_000): number {
    if (this.nice <= 0 || process.platform !== 'linux') return 0;
    const lowered = this.lowerAll();
    this.timer = setInterval(() => this.lowerAll(), intervalMs);
    this.timer.unref();
    return lowered;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The threads of this process other than the main one whose nice is below ours: raised to it. */
  lowerAll(): number {
    let lowered = 0;
    let tasks: string[];
    try {
      tasks = fs.readdirSync('/proc/self/task');
    } catch {
      return 0;
    }
    for (const task of tasks) {
      const tid = Number(task);
      if (!Number.isInteger(tid) || tid === process.pid) continue;
      try {
        if (os.getPriority(tid) >= this.nice) continue;
        os.setPriority(tid, this.nice);
        lowered++;
      } catch (error) {
        // The thread ended between the listing and the call, or the system refuses: nothing to do.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
          this.log.debug('could not lower a background thread', { error: String(error) });
        }
      }
    }
    return lowered;
  }
}
