import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';
import { ProxyKeyInputError } from '../proxy/proxy-key-registry.ts';
import type { ProxyKeyRecord } from '../store/types.ts';
import { bodyObject, optionalStringField } from './body.ts';
import type { DashboardDeps } from './deps.ts';
import { siteForRole } from './site-access.ts';

function proxyKeyJson(key: ProxyKeyRecord) {
  return { prefix: key.prefix, name: key.name, created_at: key.createdAt, revoked_at: key.revokedAt };
}

/**
 * First-party proxy keys of a site the signed-in user owns. Every change goes through the running
 * server's one registry (the one the ingest path checks and the CLI's admin socket uses), so a key
 * created here works on the next request and a revoked one is refused on the next request.
 */
export function registerProxyKeyRoutes(scope: FastifyInstance, deps: DashboardDeps): void {
  scope.get('/sites/:id/proxy-keys', async (request) => {
    const site = await siteForRole(deps, request, 'admin');
    return { keys: (await deps.proxyKeys.list(site.id)).map(proxyKeyJson) };
  });

  scope.post('/sites/:id/proxy-keys', async (request, reply) => {
    const site = await siteForRole(deps, request, 'admin');
    const name = optionalStringField(bodyObject(request.body), 'name', 100);
    const created = await notFoundWhenRefused(() =>
      deps.proxyKeys.create({ siteId: site.id, name: name ?? 'Dashboard proxy' }),
    );
    return reply.code(201).send({ key: created.key, record: proxyKeyJson(created.record) });
  });

  scope.delete('/sites/:id/proxy-keys/:prefix', async (request) => {
    const site = await siteForRole(deps, request, 'admin');
    const { prefix } = request.params as { prefix: string };
    // The registry revokes by prefix across all sites: only a key of this site may be named here.
    const key = (await deps.proxyKeys.list(site.id)).find((item) => item.prefix === prefix);
    if (!key) throw new ApiError('NOT_FOUND');
    if (key.revokedAt === null) await notFoundWhenRefused(() => deps.proxyKeys.revoke(prefix));
    return { revoked: true };
  });
}

/** The registry refuses only an unknown site or prefix: here that is a race with a deletion. */
async function notFoundWhenRefused<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ProxyKeyInputError) throw new ApiError('NOT_FOUND');
    throw error;
  }
}
