import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import { roleAtLeast, type SiteRole } from '../members/types.ts';
import type { Site } from '../store/types.ts';
import type { DashboardDeps } from './deps.ts';

/**
 * The site named in the path when the signed-in user's role on it is at least `role`
 * (members/types.ts): 404 for a site they are not a member of (never say it exists),
 * ROLE_FORBIDDEN for a member whose role is too small. Asked on every request, so a removed
 * member or a lowered role takes effect from the next one.
 */
export async function siteForRole(
  deps: DashboardDeps,
  request: FastifyRequest,
  role: SiteRole,
): Promise<Site> {
  return (await accessForRole(deps, request, role)).site;
}

export async function accessForRole(
  deps: DashboardDeps,
  request: FastifyRequest,
  role: SiteRole,
): Promise<{ site: Site; role: SiteRole }> {
  const { id } = request.params as { id: string };
  const access = await deps.members.access(request.zvUser!.id, id);
  if (!access) throw new ApiError('NOT_FOUND');
  if (!roleAtLeast(access.role, role)) throw new ApiError('ROLE_FORBIDDEN');
  return access;
}
