import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';
import { ShareInputError } from '../sharing/share-service.ts';
import type { SharedLinkRecord } from '../sharing/types.ts';
import { bodyObject, invalid } from './body.ts';
import type { DashboardDeps } from './deps.ts';
import { siteForRole } from './site-access.ts';

function linkJson(link: SharedLinkRecord) {
  return {
    id: link.id,
    name: link.name,
    password_protected: link.passwordHash !== null,
    panels: link.panels,
    created_at: link.createdAt,
  };
}

/**
 * A site's shared links and its public flag, for its owners and admins. A link's token is
 * answered once, when it is made: only its hash is stored, so it cannot be shown again.
 */
export function registerSharedLinkRoutes(scope: FastifyInstance, deps: DashboardDeps): void {
  scope.get('/sites/:id/shared-links', async (request) => {
    const site = await siteForRole(deps, request, 'admin');
    const [links, isPublic] = await Promise.all([deps.shares.list(site.id), deps.shares.isPublic(site.id)]);
    return { links: links.map(linkJson), public: isPublic, public_path: `/${site.domain}` };
  });

  scope.post('/sites/:id/shared-links', async (request, reply) => {
    const site = await siteForRole(deps, request, 'admin');
    const body = bodyObject(request.body);
    try {
      const { token, link } = await deps.shares.create(site.id, body);
      return reply.code(201).send({ token, path: `/share/${token}`, link: linkJson(link) });
    } catch (error) {
      if (error instanceof ShareInputError) throw invalid(error.field, error.message);
      throw error;
    }
  });

  scope.delete('/sites/:id/shared-links/:linkId', async (request) => {
    const site = await siteForRole(deps, request, 'admin');
    const { linkId } = request.params as { linkId: string };
    if (!(await deps.shares.revoke(site.id, linkId))) throw new ApiError('NOT_FOUND');
    return { revoked: true };
  });

  scope.put('/sites/:id/public', async (request) => {
    const site = await siteForRole(deps, request, 'admin');
    const value = bodyObject(request.body).public;
    if (typeof value !== 'boolean') throw invalid('public', 'must be true or false');
    await deps.shares.setPublic(site.id, value);
    return { public: value, public_path: `/${site.domain}` };
  });
}
