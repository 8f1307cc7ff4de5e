/** A site role as the server names it (members/types.ts): viewer < admin < owner. */
export type SiteRole = 'viewer' | 'admin' | 'owner';

const order: readonly SiteRole[] = ['viewer', 'admin', 'owner'];

/** True when `role` may do what `needed` may; a missing role (an older server) counts as owner. */
export function roleAtLeast(role: string | undefined, needed: SiteRole): boolean {
  return order.indexOf((role ?? 'owner') as SiteRole) >= order.indexOf(needed);
}

export const roleLabels: Record<SiteRole, string> = {
  viewer: 'Viewer — reads the dashboard',
  admin: 'Admin — also settings, goals, funnels, keys and shared links',
  owner: 'Owner — also members and deleting the site',
};
