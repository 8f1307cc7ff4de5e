/**
 * Failed sign-ins, counted so that guessing is bounded while a stranger cannot lock anyone out.
 *
 * Three fixed windows (each starts at its key's first counted attempt):
 * - per (email, address): the strict limit, which stops guessing from one address;
 * - per address, across emails: stops one address trying many accounts;
 * - per email, across addresses: stops guessing spread over many addresses, but only for
 *   addresses that have themselves failed on that email recently. A correct password from an
 *   address with no recent failures is therefore never refused by what other addresses did.
 *
 * An attempt is counted before the password is checked (so parallel guesses cannot slip past
 * the limit) and given back when the password was right: only failures remain counted, and a
 * success also clears its (email, address) failures. A refused attempt counts nothing, so
 * hammering does not extend a wait. Addresses are keyed as the ingest limiter keys them (IPv6 by /64).
 */

export interface SignInLimits {
  /** Failures per (email, address) within the window. */
  readonly perPair: number;
  /** Failures per address across all emails. */
  readonly perAddress: number;
  /** Failures per email across addresses, applied only to addresses with failures of their own. */
  readonly perEmail: number;
  readonly windowMs: number;
}

/** The three counters one attempt touches. */
export interface SignInKeys {
  readonly pair: string;
  readonly address: string;
  readonly email: string;
}

export interface SignInDecision {
  readonly allowed: boolean;
  /** When refused: how long until an attempt would be allowed again. */
  readonly retryAfterMs: number;
}

/** Counts sign-in failures; in memory for one process, in Redis for every node. */
export interface SignInAttempts {
  /** Decides and, when allowed, counts the attempt as a failure, in one atomic step. */
  begin(keys: SignInKeys, nowMs: number): SignInDecision | Promise<SignInDecision>;
  /** The password was right: the pair's failures go, and the attempt's count is given back. */
  succeeded(keys: SignInKeys, nowMs: number): void | Promise<void>;
}

/** `address` is a rate-limit key (http/client-ip.ts): it has no space, so the pair key is unambiguous. */
export function signInKeys(email: string, address: string): SignInKeys {
  const normalized = email.trim().toLowerCase();
  return { pair: `${address} ${normalized}`, address, email: normalized };
}

/** A window's state at `nowMs`: an ended window counts as a fresh one starting now. */
export interface Window {
  readonly startMs: number;
  readonly count: number;
}

export function windowAt(stored: Window | undefined, nowMs: number, windowMs: number): Window {
  if (!stored || nowMs - stored.startMs >= windowMs) return { startMs: nowMs, count: 0 };
  return stored;
}

/**
 * Milliseconds until an attempt would be allowed, 0 when it is allowed now. The per-email limit
 * ends early if the pair's window ends first: the address is then clean again.
 */
export function refusalMs(
  pair: Window,
  address: Window,
  email: Window,
  limits: SignInLimits,
  nowMs: number,
): number {
  const endOf = (window: Window) => window.startMs + limits.windowMs - nowMs;
  let wait = 0;
  if (pair.count >= limits.perPair) wait = Math.max(wait, endOf(pair));
  if (address.count >= limits.perAddress) wait = Math.max(wait, endOf(address));
  if (pair.count > 0 && email.count >= limits.perEmail) {
    wait = Math.max(wait, Math.min(endOf(pair), endOf(email)));
  }
  return wait;
}

/** The stored names of one attempt's three counters, in the order pair, address, email. */
function counterNames(keys: SignInKeys): [string, string, string] {
  return [`p:${keys.pair}`, `a:${keys.address}`, `e:${keys.email}`];
}

/** One process's counts. Idle keys are swept once a minute, so memory follows recent activity. */
export class MemorySignInAttempts implements SignInAttempts {
  private readonly windows = new Map<string, Window>();
  private lastSweepMs = 0;

  constructor(private readonly limits: SignInLimits) {}

  begin(keys: SignInKeys, nowMs: number): SignInDecision {
    this.sweep(nowMs);
    const names = counterNames(keys);
    const [pair, address, email] = names.map((name) =>
      windowAt(this.windows.get(name), nowMs, this.limits.windowMs),
    ) as [Window, Window, Window];
    const wait = refusalMs(pair, address, email, this.limits, nowMs);
    if (wait > 0) return { allowed: false, retryAfterMs: wait };
    for (const [i, window] of [pair, address, email].entries()) {
      this.windows.set(names[i]!, { startMs: window.startMs, count: window.count + 1 });
    }
    return { allowed: true, retryAfterMs: 0 };
  }

  succeeded(keys: SignInKeys, nowMs: number): void {
    const [pair, ...shared] = counterNames(keys);
    this.windows.delete(pair);
    for (const name of shared) {
      const stored = this.windows.get(name);
      // An ended window is reset by the next attempt anyway; only a live count is given back.
      if (stored && nowMs - stored.startMs < this.limits.windowMs && stored.count > 0) {
        this.windows.set(name, { startMs: stored.startMs, count: stored.count - 1 });
      }
    }
  }

  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweepMs < 60_000) return;
    this.lastSweepMs = nowMs;
    for (const [name, window] of this.windows) {
      if (nowMs - window.startMs >= this.limits.windowMs) this.windows.delete(name);
    }
  }

  /** How many counters are tracked; for tests of the memory bound. */
  get size(): number {
    return this.windows.size;
  }
}
