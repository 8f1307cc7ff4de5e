import type { SiteRemover } from '../sites/site-removal.ts';
import type { Site } from '../store/types.ts';
import type { AccountStore, SiteMembership, User } from './types.ts';

/** The only account cannot be deleted: the setup page would reopen to whoever reaches it first. */
export class LastAccountError extends Error {
  constructor() {
    super('this is the only account; create another one first, or remove the data directory to start over');
  }
}

/** What deleting an account removes and what it leaves to others, shown before it happens. */
export interface AccountDeletionPlan {
  readonly user: User;
  /**
   * Sites nobody else owns: deleted with their events, keys, proxy keys and refusal counters
   * (their admins and viewers, if any, lose them: a site is never left without an owner).
   */
  readonly deletedSites: readonly Site[];
  /** Sites shared with other accounts: they stay and only lose this account's membership. */
  readonly keptSites: readonly Site[];
}

/**
 * Splits the sites the user owns (as `AccountService.sitesOf` counts ownership, so sites without
 * members go with the first user) into those only this user owns and those shared with others.
 */
export async function planAccountDeletion(
  store: AccountStore,
  user: User,
  ownedSites: readonly Site[],
  /**
   * The memberships that own their site (members/: roles). A site stays only when another owner
   * remains; without roles every member owns.
   */
  owners: () => Promise<readonly SiteMembership[]> = () => store.siteMembers(),
): Promise<AccountDeletionPlan> {
  const members = await owners();
  const sharedWithOthers = new Set(members.filter((m) => m.userId !== user.id).map((m) => m.siteId));
  return {
    user,
    deletedSites: ownedSites.filter((site) => !sharedWithOthers.has(site.id)),
    keptSites: ownedSites.filter((site) => sharedWithOthers.has(site.id)),
  };
}

/**
 * Carries out a plan: the user's own sites first (through the one site deletion path), then the
 * user with its sessions and memberships. An interruption leaves the user in place, so running
 * the deletion again finishes it. Throws LastAccountError for the only account.
 */
export async function carryOutAccountDeletion(
  store: AccountStore,
  removeSite: SiteRemover,
  plan: AccountDeletionPlan,
): Promise<void> {
  if ((await store.countUsers()) <= 1) throw new LastAccountError();
  for (const site of plan.deletedSites) await removeSite(site.id);
  await store.deleteUser(plan.user.id);
}
