import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { visitTimeoutMs } from '../ingest/server-session.ts';
import type { SharedVisitStore } from '../ingest/server-session-shared.ts';

/**
 * One visitor's open visit, as a hash {id, last}: continue it when the last activity is within the
 * timeout of `now`, else open the candidate. Atomic in Redis, so two nodes resolving the same
 * visitor at once get the same id. `last` is the caller's clock (the injected clock in tests), so
 * the timeout rule is exact; the key's TTL only reclaims idle visits and is set past the timeout.
 *
 * ARGV: now ms, timeout ms, candidate id, TTL ms. Returns the visit id.
 */
const resolveScript = `
local now = tonumber(ARGV[1])
local open = redis.call('HMGET', KEYS[1], 'id', 'last')
local id = open[1]
local last = tonumber(open[2])
if id and last and now - last <= tonumber(ARGV[2]) then
  if now > last then redis.call('HSET', KEYS[1], 'last', ARGV[1]) end
else
  id = ARGV[3]
  redis.call('HSET', KEYS[1], 'id', id, 'last', ARGV[1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return id
`;

const commandName = 'zenovayVisitResolve';
interface ScriptCommands {
  zenovayVisitResolve(key: string, ...args: string[]): Promise<unknown>;
}

/** How long past the visit timeout an idle visit stays in Redis before it is reclaimed. */
const gcMarginMs = 10 * 60_000;

/**
 * Server-assigned visits shared by every node (`SharedVisitStore`). Keys hold the site and a
 * SHA-256 of the visitor id: the tracker's id is already a salted hash, and a sender's own
 * `visitor_id` is not copied into Redis either (the key also stays short).
 */
export class RedisVisitStore implements SharedVisitStore {
  private readonly timeoutArg: string;
  private readonly ttlArg: string;

  constructor(
    private readonly redis: Redis,
    timeoutMs = visitTimeoutMs,
  ) {
    // Sent once, then run by its SHA (EVALSHA); ioredis sends the text again after a Redis restart.
    if (!(commandName in redis)) redis.defineCommand(commandName, { numberOfKeys: 1, lua: resolveScript });
    this.timeoutArg = String(timeoutMs);
    this.ttlArg = String(timeoutMs + gcMarginMs);
  }

  static key(siteId: string, visitorId: string): string {
    return `zenovay:visit:${siteId}:${createHash('sha256').update(visitorId).digest('base64url').slice(0, 22)}`;
  }

  async resolve(siteId: string, visitorId: string, nowMs: number, candidateId: string): Promise<string> {
    const id = await (this.redis as unknown as ScriptCommands).zenovayVisitResolve(
      RedisVisitStore.key(siteId, visitorId),
      String(Math.floor(nowMs)),
      this.timeoutArg,
      candidateId,
      this.ttlArg,
    );
    if (typeof id !== 'string') throw new Error('unexpected reply from the visit script');
    return id;
  }
}
