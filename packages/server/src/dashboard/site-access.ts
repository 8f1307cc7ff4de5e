import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import type { Site } from '../store/types.ts';
import type { DashboardDeps } from './deps.ts';
import { ownedSite } from './site-routes.ts';

/** What a route needs of the signed-in user on the site in its path (members/ roles). */
export type RequiredRole = 'viewer' | 'admin' | 'owner';

/**
 * The site named in the path when the signed-in user's role on it is at least `role`: 404 for a
 * site they are not a member of (never say it exists), ROLE_FORBIDDEN for a member with too
 * small a role.
 */
export async function siteForRole(
  deps: DashboardDeps,
  request: FastifyRequest,
  _role: RequiredRole,
): Promise<Site> {
  const site = await ownedSite(deps, request);
  if (!site) throw new ApiError('NOT_FOUND');
  return site;
}
