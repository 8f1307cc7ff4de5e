import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { SiteRemover } from '../sites/site-removal.ts';
import type { MetadataStore, Site } from '../store/types.ts';
import {
  type AccountDeletionPlan,
  carryOutAccountDeletion,
  planAccountDeletion,
} from './account-deletion.ts';
import { dummyPasswordHash, hashPassword, minPasswordLength, verifyPassword } from './password.ts';
import type { AccountStore, SiteMembership, User, UserRecord } from './types.ts';

/** Sessions last 14 days from sign-in, then the person signs in again. */
export const defaultSessionTtlMs = 14 * 86_400_000;

/** The one-time setup was already done by someone else: sign in instead. */
export class SetupAlreadyDoneError extends Error {}

/** Input a person can fix (bad email, short password, taken email); the message is for them. */
export class AccountInputError extends Error {
  constructor(
    readonly field: 'email' | 'password',
    message: string,
  ) {
    super(message);
  }
}

const emailPattern = /^[^\s@]+@[^\s@]+$/;

export function normalizeEmail(input: string): string {
  const email = input.trim().toLowerCase();
  if (email.length > 254 || !emailPattern.test(email)) {
    throw new AccountInputError('email', 'Enter an email address such as you@example.com.');
  }
  return email;
}

/** The cookie token's stored form: a leaked sessions table cannot be replayed as cookies. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface AccountServiceOptions {
  readonly sessionTtlMs?: number;
  /** The one site deletion path (sites/site-removal.ts); account deletion needs it. */
  readonly removeSite?: SiteRemover;
  /** Memberships with the owner role (members/); by default every membership owns its site. */
  readonly siteOwners?: () => Promise<readonly SiteMembership[]>;
}

export interface SignedInSession {
  readonly token: string;
  readonly expiresAtMs: number;
}

/**
 * Accounts, sign-in sessions and site ownership. Ownership rule: a site belongs to the users in
 * its membership list; a site with no members (created with `zenovay sites add`) belongs to the
 * first user, so a one-person install needs no extra step and a second user never sees it.
 */
export class AccountService {
  constructor(
    private readonly store: AccountStore,
    private readonly metadata: MetadataStore,
    private readonly clock: Clock,
    private readonly options: AccountServiceOptions = {},
  ) {}

  private get sessionTtlMs(): number {
    return this.options.sessionTtlMs ?? defaultSessionTtlMs;
  }

  async needsSetup(): Promise<boolean> {
    return (await this.store.countUsers()) === 0;
  }

  /** Throws AccountInputError for a bad email or password, or a taken email / finished setup. */
  async createUser(
    emailInput: string,
    password: string,
    options: { onlyIfFirst?: boolean } = {},
  ): Promise<User> {
    const email = normalizeEmail(emailInput);
    if (password.length < minPasswordLength) {
      throw new AccountInputError('password', `Use a password of at least ${minPasswordLength} characters.`);
    }
    const user: UserRecord = {
      id: randomUUID(),
      email,
      passwordHash: await hashPassword(password),
      createdAt: new Date(this.clock.now()).toISOString(),
    };
    if (!(await this.store.createUser(user, options))) {
      if (options.onlyIfFirst) throw new SetupAlreadyDoneError('setup is already done');
      throw new AccountInputError('email', 'An account with this email exists.');
    }
    return publicUser(user);
  }

  /** The user when the password matches; null otherwise, in about the same time either way. */
  async authenticate(emailInput: string, password: string): Promise<User | null> {
    let email: string;
    try {
      email = normalizeEmail(emailInput);
    } catch {
      email = '';
    }
    const user = email === '' ? undefined : await this.store.userByEmail(email);
    const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    return user !== undefined && matches ? publicUser(user) : null;
  }

  async startSession(userId: string): Promise<SignedInSession> {
    const token = randomBytes(32).toString('base64url');
    const nowMs = this.clock.now();
    const expiresAtMs = nowMs + this.sessionTtlMs;
    await this.store.deleteExpiredSessions(nowMs);
    await this.store.createSession({
      tokenHash: hashSessionToken(token),
      userId,
      createdAtMs: nowMs,
      expiresAtMs,
    });
    return { token, expiresAtMs };
  }

  /** The signed-in user of a cookie token; null when unknown or expired (an expired one is removed). */
  async userForSession(token: string | undefined): Promise<User | null> {
    if (!token || token.length > 100) return null;
    const tokenHash = hashSessionToken(token);
    const session = await this.store.sessionByHash(tokenHash);
    if (!session) return null;
    if (session.expiresAtMs <= this.clock.now()) {
      await this.store.deleteSession(tokenHash);
      return null;
    }
    const user = await this.store.userById(session.userId);
    return user ? publicUser(user) : null;
  }

  async endSession(token: string | undefined): Promise<void> {
    if (token) await this.store.deleteSession(hashSessionToken(token));
  }

  /** The sites this user owns, oldest first. */
  async sitesOf(userId: string): Promise<Site[]> {
    const [sites, members, firstUserId] = await Promise.all([
      this.metadata.listSites(),
      this.store.siteMembers(),
      this.store.firstUserId(),
    ]);
    const owned = new Set(members.filter((m) => m.userId === userId).map((m) => m.siteId));
    const claimed = new Set(members.map((m) => m.siteId));
    return sites.filter((site) => owned.has(site.id) || (!claimed.has(site.id) && userId === firstUserId));
  }

  /** The site when this user owns it; undefined for a missing site or someone else's (never say which). */
  async siteOf(userId: string, siteId: string): Promise<Site | undefined> {
    return (await this.sitesOf(userId)).find((site) => site.id === siteId);
  }

  addOwner(siteId: string, userId: string): Promise<void> {
    return this.store.addSiteMember({ siteId, userId });
  }

  forgetSite(siteId: string): Promise<void> {
    return this.store.removeSiteMembers(siteId);
  }

  /** The account with this email (any case), or undefined. */
  async userWithEmail(emailInput: string): Promise<User | undefined> {
    const user = await this.store.userByEmail(emailInput.trim().toLowerCase());
    return user ? publicUser(user) : undefined;
  }

  /** True when the password is this user's (for confirming a dangerous step while signed in). */
  async passwordMatches(userId: string, password: string): Promise<boolean> {
    const user = await this.store.userById(userId);
    const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    return user !== undefined && matches;
  }

  /** What deleting this account would remove and keep; undefined for an unknown user. */
  async deletionPlan(userId: string): Promise<AccountDeletionPlan | undefined> {
    const user = await this.store.userById(userId);
    if (!user) return undefined;
    return planAccountDeletion(
      this.store,
      publicUser(user),
      await this.sitesOf(userId),
      this.options.siteOwners,
    );
  }

  /**
   * Deletes the account: the sites only it owns (with their events and keys), its memberships of
   * shared sites, its sessions, then the user. Throws LastAccountError for the only account.
   * Returns the plan carried out, or undefined for an unknown user.
   */
  async deleteAccount(userId: string): Promise<AccountDeletionPlan | undefined> {
    const removeSite = this.options.removeSite;
    if (!removeSite) throw new Error('this AccountService was built without a site remover');
    const plan = await this.deletionPlan(userId);
    if (plan) await carryOutAccountDeletion(this.store, removeSite, plan);
    return plan;
  }
}

function publicUser(user: UserRecord): User {
  return { id: user.id, email: user.email, createdAt: user.createdAt };
}
