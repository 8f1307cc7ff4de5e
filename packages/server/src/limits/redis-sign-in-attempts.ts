import type { Redis } from 'ioredis';
import type { Logger } from '../log.ts';
import {
  MemorySignInAttempts,
  type SignInAttempts,
  type SignInDecision,
  type SignInKeys,
  type SignInLimits,
} from './sign-in-attempts.ts';

/**
 * The same windows and decision as MemorySignInAttempts (sign-in-attempts.ts: windowAt and
 * refusalMs), in one Lua script so that checking and counting are one atomic step on every node.
 * Each counter is a hash {s: window start, c: count}; time is the caller's `nowMs` (the injected
 * clock), the TTL only reclaims idle keys.
 *
 * KEYS: pair, address, email. ARGV: now, windowMs, perPair, perAddress, perEmail.
 * Result: [allowed (0/1), retryAfterMs].
 */
const readWindow = `
local now = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
local function read(key)
  local stored = redis.call('HMGET', key, 's', 'c')
  local s = tonumber(stored[1])
  if (not s) or now - s >= win then return now, 0 end
  return s, tonumber(stored[2]) or 0
end
`;

const beginScript = `${readWindow}
local ps, pc = read(KEYS[1])
local as, ac = read(KEYS[2])
local es, ec = read(KEYS[3])
local wait = 0
if pc >= tonumber(ARGV[3]) then wait = math.max(wait, ps + win - now) end
if ac >= tonumber(ARGV[4]) then wait = math.max(wait, as + win - now) end
if pc > 0 and ec >= tonumber(ARGV[5]) then wait = math.max(wait, math.min(ps, es) + win - now) end
if wait > 0 then return { 0, wait } end
local starts = { ps, as, es }
local counts = { pc, ac, ec }
for i = 1, 3 do
  redis.call('HSET', KEYS[i], 's', starts[i], 'c', counts[i] + 1)
  redis.call('PEXPIRE', KEYS[i], win + 60000)
end
return { 1, 0 }
`;

/** Forgets the pair's failures and gives back one live count of the address and the email. */
const succeededScript = `${readWindow}
redis.call('DEL', KEYS[1])
for i = 2, 3 do
  local s, c = read(KEYS[i])
  if c > 0 then redis.call('HSET', KEYS[i], 'c', c - 1) end
end
return 1
`;

interface ScriptCommands {
  zenovaySignInBegin(pair: string, address: string, email: string, ...args: string[]): Promise<unknown>;
  zenovaySignInSucceeded(pair: string, address: string, email: string, ...args: string[]): Promise<unknown>;
}

/**
 * Sign-in limits that hold across all nodes. When Redis is unreachable they fall back to per-node
 * memory, like the other limiters (redis-rate-limiter.ts): refusing every sign-in would lock
 * everyone out during a cache outage, allowing every one would drop the guessing bound. A success
 * that lands on the other side of an outage than its attempt gives back a count the other side
 * never had; counts never go below zero, so at worst one failure goes uncounted.
 */
export class RedisSignInAttempts implements SignInAttempts {
  private readonly fallback: MemorySignInAttempts;
  private readonly limitArgs: string[];
  private degraded = false;

  constructor(
    private readonly redis: Redis,
    limits: SignInLimits,
    private readonly log?: Logger,
  ) {
    this.fallback = new MemorySignInAttempts(limits);
    // Sent once, then run by SHA (EVALSHA).
    if (!('zenovaySignInBegin' in redis)) {
      redis.defineCommand('zenovaySignInBegin', { numberOfKeys: 3, lua: beginScript });
      redis.defineCommand('zenovaySignInSucceeded', { numberOfKeys: 3, lua: succeededScript });
    }
    this.limitArgs = [
      String(limits.windowMs),
      String(limits.perPair),
      String(limits.perAddress),
      String(limits.perEmail),
    ];
  }

  async begin(keys: SignInKeys, nowMs: number): Promise<SignInDecision> {
    const reply = await this.run('zenovaySignInBegin', keys, nowMs);
    if (reply === null) return this.fallback.begin(keys, nowMs);
    const [allowed, wait] = reply as [number, number];
    return { allowed: Number(allowed) === 1, retryAfterMs: Number(wait) };
  }

  async succeeded(keys: SignInKeys, nowMs: number): Promise<void> {
    if ((await this.run('zenovaySignInSucceeded', keys, nowMs)) === null)
      this.fallback.succeeded(keys, nowMs);
  }

  /** The script's reply, or null when Redis is unreachable (logged once per outage). */
  private async run(command: keyof ScriptCommands, keys: SignInKeys, nowMs: number): Promise<unknown> {
    try {
      const reply = await (this.redis as unknown as ScriptCommands)[command](
        `zenovay:login:pair:${keys.pair}`,
        `zenovay:login:address:${keys.address}`,
        `zenovay:login:email:${keys.email}`,
        String(Math.floor(nowMs)),
        ...this.limitArgs,
      );
      if (this.degraded) {
        this.degraded = false;
        this.log?.info('Redis reachable again: sign-in limits are shared across nodes');
      }
      return reply;
    } catch (error) {
      if (!this.degraded) {
        this.degraded = true;
        this.log?.warn('Redis unreachable: sign-in limits fall back to per-node memory', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      return null;
    }
  }
}
