import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AccountInputError, normalizeEmail } from '../accounts/account-service.ts';
import type { Clock } from '../clock.ts';
import {
  type ReportFrequency,
  type ReportStore,
  type ReportSubscription,
  reportFrequencies,
} from './types.ts';

/** Input a person can fix; `field` names what to fix. */
export class ReportInputError extends Error {
  constructor(
    readonly field: 'email' | 'frequency',
    message: string,
  ) {
    super(message);
  }
}

/** An unsubscribe token as made here: 32 random bytes, base64url (256 bits, unguessable). */
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;
const digest = (token: string) => createHash('sha256').update(token).digest();

/** Most report subscriptions per site. */
export const maxReportsPerSite = 200;

/** Who gets which report of a site: subscriptions made, listed, removed, and unsubscribe links. */
export class ReportService {
  constructor(
    private readonly store: ReportStore,
    private readonly clock: Clock,
  ) {}

  async subscribe(
    siteId: string,
    input: { email?: unknown; frequency?: unknown },
  ): Promise<ReportSubscription> {
    let email: string;
    try {
      email = normalizeEmail(typeof input.email === 'string' ? input.email : '');
    } catch (error) {
      if (error instanceof AccountInputError) throw new ReportInputError('email', error.message);
      throw error;
    }
    const frequency = input.frequency ?? 'weekly';
    if (!(reportFrequencies as readonly unknown[]).includes(frequency))
      throw new ReportInputError('frequency', 'must be "weekly" or "monthly"');
    if ((await this.store.listSubscriptions(siteId)).length >= maxReportsPerSite)
      throw new ReportInputError(
        'email',
        `a site sends at most ${maxReportsPerSite} reports; remove one first`,
      );
    const subscription: ReportSubscription = {
      id: `rs_${randomBytes(8).toString('hex')}`,
      siteId,
      email,
      frequency: frequency as ReportFrequency,
      unsubscribeToken: randomBytes(32).toString('base64url'),
      createdAt: new Date(this.clock.now()).toISOString(),
    };
    if (!(await this.store.createSubscription(subscription)))
      throw new ReportInputError('email', `${email} already gets the ${frequency} report of this site`);
    return subscription;
  }

  list(siteId: string): Promise<ReportSubscription[]> {
    return this.store.listSubscriptions(siteId);
  }

  remove(siteId: string, id: string): Promise<boolean> {
    return this.store.deleteSubscription(siteId, id);
  }

  /**
   * The subscription an unsubscribe token would stop, changing nothing (the link's page, which
   * mail programs and scanners open on their own); undefined for a token that stops nothing
   * (malformed, used, or never made), all alike.
   */
  async subscriptionOfToken(token: string): Promise<ReportSubscription | undefined> {
    if (!tokenPattern.test(token)) return undefined;
    const wanted = digest(token);
    return (await this.store.listSubscriptions()).find((subscription) =>
      timingSafeEqual(digest(subscription.unsubscribeToken), wanted),
    );
  }

  /** The unsubscribe link's effect; undefined for a token that stops nothing (used, or never made). */
  unsubscribe(token: string): Promise<ReportSubscription | undefined> {
    if (!tokenPattern.test(token)) return Promise.resolve(undefined);
    return this.store.unsubscribe(token);
  }
}
