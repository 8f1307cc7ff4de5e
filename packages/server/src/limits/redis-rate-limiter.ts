import type { Redis } from 'ioredis';
import type { RateRule } from '../config.ts';
import type { Logger } from '../log.ts';
import { MemoryRateLimiter, type RateDecision, type RateLimiter } from './rate-limiter.ts';

/**
 * The MemoryRateLimiter's fixed windows, kept in one Redis hash per key so every node spends from
 * the same budget. One Lua script reads, resets and spends all of a key's windows atomically. Time
 * is the caller's `nowMs` (the injected clock), not Redis TIME, so tests can move time; the Redis
 * TTL only reclaims idle keys and is set well past the longest window.
 *
 * Script result: [allowed (0/1), retryAfterMs, start1, count1, start2, count2, ...].
 */
const consumeScript = `
local now = tonumber(ARGV[1])
local n = (#ARGV - 1) / 2
local starts, counts = {}, {}
local refused = 0
local longest = 0
for i = 1, n do
  local limit = tonumber(ARGV[2 * i])
  local win = tonumber(ARGV[2 * i + 1])
  if win > longest then longest = win end
  local s = redis.call('HGET', KEYS[1], 's' .. i)
  local c = tonumber(redis.call('HGET', KEYS[1], 'c' .. i))
  if (not s) or now - tonumber(s) >= win then
    s = ARGV[1]
    c = 0
  end
  if c >= limit then
    local retry = tonumber(s) + win - now
    if retry > refused then refused = retry end
  end
  starts[i] = s
  counts[i] = c
end
local allowed = 0
if refused == 0 then allowed = 1 end
local out = { allowed, refused }
for i = 1, n do
  counts[i] = counts[i] + allowed
  redis.call('HSET', KEYS[1], 's' .. i, starts[i], 'c' .. i, counts[i])
  out[#out + 1] = tonumber(starts[i])
  out[#out + 1] = counts[i]
end
redis.call('PEXPIRE', KEYS[1], longest + 60000)
return out
`;

type ConsumeReply = number[];
const commandName = 'zenovayRateConsume';
interface ScriptCommands {
  zenovayRateConsume(key: string, ...args: string[]): Promise<unknown>;
}

/**
 * Limits that hold across all nodes ("60 per 10 s" means 60 in total).
 *
 * Policy when Redis is unreachable: fail open to a per-node in-memory limiter. Refusing every
 * request would turn a cache outage into lost analytics for every site (the service's one job),
 * while allowing everything would drop abuse protection; per-node limits keep each client within
 * `nodes × limit` until Redis is back. Each outage is logged once, when it starts.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly fallback: MemoryRateLimiter;
  private readonly ruleArgs: string[];
  private degraded = false;

  constructor(
    private readonly redis: Redis,
    private readonly rules: readonly RateRule[],
    /** Separates limiters sharing one Redis (ingest per IP, proxies, batch keys, REST API). */
    private readonly namespace: string,
    private readonly log?: Logger,
  ) {
    if (rules.length === 0) throw new Error('a rate limiter needs at least one rule');
    this.fallback = new MemoryRateLimiter(rules);
    // Sent once, then run by its SHA (EVALSHA): the script text does not travel with each request.
    if (!(commandName in redis)) redis.defineCommand(commandName, { numberOfKeys: 1, lua: consumeScript });
    this.ruleArgs = rules.flatMap((rule) => [String(rule.limit), String(rule.windowMs)]);
  }

  async consume(key: string, nowMs: number): Promise<RateDecision> {
    let reply: ConsumeReply;
    try {
      reply = (await (this.redis as unknown as ScriptCommands).zenovayRateConsume(
        `zenovay:rl:${this.namespace}:${key}`,
        String(Math.floor(nowMs)),
        ...this.ruleArgs,
      )) as ConsumeReply;
    } catch (error) {
      if (!this.degraded) {
        this.degraded = true;
        this.log?.warn('Redis unreachable: rate limits fall back to per-node memory', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      return this.fallback.consume(key, nowMs);
    }
    if (this.degraded) {
      this.degraded = false;
      this.log?.info('Redis reachable again: rate limits are shared across nodes');
    }
    return this.describe(reply, Math.floor(nowMs));
  }

  /** Same reporting as MemoryRateLimiter: the rule closest to refusing. */
  private describe(reply: ConsumeReply, nowMs: number): RateDecision {
    const allowed = Number(reply[0]) === 1;
    let tightest = 0;
    let tightestRemaining = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.rules.length; i++) {
      const remaining = Math.max(0, this.rules[i]!.limit - Number(reply[3 + 2 * i]));
      if (remaining < tightestRemaining) {
        tightestRemaining = remaining;
        tightest = i;
      }
    }
    const rule = this.rules[tightest]!;
    return {
      allowed,
      limit: rule.limit,
      remaining: tightestRemaining,
      resetMs: Number(reply[2 + 2 * tightest]) + rule.windowMs - nowMs,
      retryAfterMs: allowed ? 0 : Number(reply[1]),
    };
  }
}
