import type { Redis } from 'ioredis';
import {
  type MonthlyDecision,
  type MonthlyQuota,
  monthlyDecision,
  nextUtcMonthStart,
  utcMonth,
} from '../auth/monthly-quota.ts';
import type { Logger } from '../log.ts';

/**
 * One counter per key and calendar month (UTC) in Redis, shared by every node: check and INCRBY in
 * one script, so a refused request is not counted and two nodes cannot both take the last unit.
 * ARGV: limit, ttl (ms), carried (requests this node allowed while Redis was unreachable).
 * The month is in the key and comes from the caller's clock (the injected one); the TTL, relative
 * to that clock, only reclaims the counter a day after its month has ended.
 * Result: [allowed (0/1), used].
 */
const consumeScript = `
local limit = tonumber(ARGV[1])
local carried = tonumber(ARGV[3])
local used = tonumber(redis.call('GET', KEYS[1]) or '0') + carried
local allowed = 0
if used < limit then allowed = 1 end
local add = carried + allowed
if add > 0 then
  redis.call('INCRBY', KEYS[1], add)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return { allowed, used + allowed }
`;

const commandName = 'zenovayMonthlyConsume';
interface ScriptCommands {
  zenovayMonthlyConsume(key: string, ...args: string[]): Promise<unknown>;
}

const dayMs = 86_400_000;

/**
 * The monthly quota shared by all nodes through Redis.
 *
 * Policy when Redis is unreachable, as for the per-minute limits (docs/scale-out.md): fail
 * open to this node's memory. The node goes on from the last count it saw in Redis, adding what it
 * allows itself; those requests are added to Redis with the key's next request once Redis answers,
 * so an outage does not hand out a fresh quota. Each node may overshoot by what the others allowed
 * during the outage. Each outage is logged once, when it starts. (A script call that timed out may
 * still have run in Redis; that request then counts twice: the error is an over-count, never an under-count.)
 *
 * A Redis restart without persistence (RDB/AOF) forgets this month's counts: keys start over.
 */
export class RedisMonthlyQuota implements MonthlyQuota {
  /** The latest count seen in Redis, by `month\0prefix`; the base while Redis is unreachable. */
  private readonly lastSeen = new Map<string, number>();
  /** Requests allowed here while Redis was unreachable, not yet added to Redis. */
  private readonly carried = new Map<string, number>();
  private latestMonth = '';
  private degraded = false;

  constructor(
    private readonly redis: Redis,
    readonly limit: number,
    private readonly log?: Logger,
  ) {
    // Sent once, then run by its SHA (EVALSHA): the script text does not travel with each request.
    if (!(commandName in redis)) redis.defineCommand(commandName, { numberOfKeys: 1, lua: consumeScript });
  }

  async consume(keyPrefix: string, nowMs: number): Promise<MonthlyDecision> {
    const month = utcMonth(nowMs);
    this.forgetPastMonths(month);
    const id = `${month}\u0000${keyPrefix}`;
    // Taken out before awaiting, so two requests never both send the same carried count.
    const carried = this.carried.get(id) ?? 0;
    this.carried.delete(id);
    let reply: unknown;
    try {
      reply = await (this.redis as unknown as ScriptCommands).zenovayMonthlyConsume(
        `zenovay:quota:api:${keyPrefix}:${month}`,
        String(this.limit),
        String(nextUtcMonthStart(nowMs) - nowMs + dayMs),
        String(carried),
      );
    } catch (error) {
      if (!this.degraded) {
        this.degraded = true;
        this.log?.warn('Redis unreachable: API monthly quotas are counted per node', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      return this.consumeLocally(id, carried, nowMs);
    }
    if (this.degraded) {
      this.degraded = false;
      this.log?.info('Redis reachable again: API monthly quotas are shared across nodes');
    }
    const [allowed, used] = reply as [number, number];
    this.lastSeen.set(id, Number(used));
    return monthlyDecision(this.limit, Number(used), Number(allowed) === 1, nowMs);
  }

  close(): Promise<void> {
    // Nothing to save: every allowed request is in Redis, except those of an outage still going on.
    return Promise.resolve();
  }

  private consumeLocally(id: string, carried: number, nowMs: number): MonthlyDecision {
    const used = (this.lastSeen.get(id) ?? 0) + carried + (this.carried.get(id) ?? 0);
    const allowed = used < this.limit;
    const mine = carried + (allowed ? 1 : 0);
    if (mine > 0) this.carried.set(id, (this.carried.get(id) ?? 0) + mine);
    return monthlyDecision(this.limit, allowed ? used + 1 : used, allowed, nowMs);
  }

  /** Memory stays bounded by one month of keys. */
  private forgetPastMonths(month: string): void {
    if (month <= this.latestMonth) return;
    this.latestMonth = month;
    for (const map of [this.lastSeen, this.carried]) {
      for (const id of map.keys()) if (id.slice(0, 7) < month) map.delete(id);
    }
  }
}
