/** A person who signs in to the dashboard. */
export interface User {
  readonly id: string;
  /** Lower-cased; unique. */
  readonly email: string;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
}

export interface UserRecord extends User {
  /** `scrypt$…` from password.ts; never leaves the server. */
  readonly passwordHash: string;
}

/** A signed-in browser. Only a SHA-256 of the cookie's token is stored. */
export interface SessionRecord {
  readonly tokenHash: string;
  readonly userId: string;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
}

export interface SiteMembership {
  readonly siteId: string;
  readonly userId: string;
}

/** Users, sessions and who owns which site: the dashboard's small tables. */
export interface AccountStore {
  countUsers(): Promise<number>;
  /**
   * Inserts the user; false (and nothing written) when the email is taken, or when `onlyIfFirst`
   * is set and any user exists (the one-time setup page must not race into two admins).
   */
  createUser(user: UserRecord, options?: { onlyIfFirst?: boolean }): Promise<boolean>;
  userByEmail(email: string): Promise<UserRecord | undefined>;
  userById(id: string): Promise<UserRecord | undefined>;
  /** The oldest account; it owns sites nobody else does (those created with the CLI). */
  firstUserId(): Promise<string | undefined>;
  createSession(session: SessionRecord): Promise<void>;
  sessionByHash(tokenHash: string): Promise<SessionRecord | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  deleteExpiredSessions(nowMs: number): Promise<void>;
  addSiteMember(membership: SiteMembership): Promise<void>;
  removeSiteMembers(siteId: string): Promise<void>;
  siteMembers(): Promise<SiteMembership[]>;
  /**
   * Removes the user with its sessions and site memberships, all or nothing; false when no user
   * has this id. The sites themselves are the caller's (accounts/account-deletion.ts).
   */
  deleteUser(id: string): Promise<boolean>;
}
