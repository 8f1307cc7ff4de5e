import type { FastifyInstance } from 'fastify';
import { ApiKeyInputError } from '../auth/key-service.ts';
import { ApiError } from '../errors.ts';
import { siteJson } from '../sites/site-json.ts';
import { InvalidDomainError, normalizeDomain } from '../sites/site-service.ts';
import { isValidTimezone } from '../stats/date-range.ts';
import type { ApiKeyRecord } from '../store/types.ts';
import { bodyObject, invalid, optionalStringField, stringField } from './body.ts';
import type { DashboardDeps } from './deps.ts';
import { accessForRole, siteForRole } from './site-access.ts';

function keyJson(key: ApiKeyRecord) {
  return {
    prefix: key.prefix,
    name: key.name,
    permissions: key.permissions,
    created_at: key.createdAt,
    revoked_at: key.revokedAt,
  };
}

function domainOf(input: string): string {
  try {
    return normalizeDomain(input);
  } catch (error) {
    if (error instanceof InvalidDomainError) throw invalid('domain', error.message);
    throw error;
  }
}

function timezoneOf(input: string | undefined): string | undefined {
  if (input === undefined) return undefined;
  if (!isValidTimezone(input))
    throw invalid('timezone', `"${input}" is not an IANA time zone such as Europe/Paris`);
  return input;
}

/**
 * Sites and their API keys, limited to the signed-in user's sites: every member reads a site,
 * admins change its details and keys, owners delete it (members/types.ts).
 */
export function registerSiteRoutes(scope: FastifyInstance, deps: DashboardDeps): void {
  scope.get('/sites', async (request) => ({
    sites: (await deps.members.sitesWithRoles(request.zvUser!.id)).map(({ site, role }) => ({
      ...siteJson(site),
      role,
    })),
  }));

  scope.post('/sites', async (request, reply) => {
    const body = bodyObject(request.body);
    const domain = domainOf(stringField(body, 'domain', 300));
    const timezone = timezoneOf(optionalStringField(body, 'timezone', 100)) ?? 'UTC';
    const name = optionalStringField(body, 'name', 200);
    const site = await deps.sites.add(domain, { timezone, ...(name ? { name } : {}) });
    await deps.accounts.addOwner(site.id, request.zvUser!.id);
    return reply.code(201).send({ site: { ...siteJson(site), role: 'owner' } });
  });

  scope.get('/sites/:id', async (request) => {
    const { site, role } = await accessForRole(deps, request, 'viewer');
    return { site: { ...siteJson(site), role } };
  });

  scope.patch('/sites/:id', async (request) => {
    const site = await siteForRole(deps, request, 'admin');
    const body = bodyObject(request.body);
    const domainInput = optionalStringField(body, 'domain', 300);
    const changes = {
      domain: domainInput === undefined ? site.domain : domainOf(domainInput),
      name: optionalStringField(body, 'name', 200)?.trim() || site.name,
      timezone: timezoneOf(optionalStringField(body, 'timezone', 100)) ?? site.timezone,
    };
    await deps.metadata.updateSite(site.id, changes);
    await deps.directory.refresh(); // the ingest path checks Origin against the new domain at once
    return { site: siteJson({ ...site, ...changes }) };
  });

  scope.delete('/sites/:id', async (request) => {
    const site = await siteForRole(deps, request, 'owner');
    const body = bodyObject(request.body ?? {});
    // The person types the domain to confirm: deleting removes every event of the site.
    if (body.confirm_domain !== site.domain)
      throw invalid('confirm_domain', `type "${site.domain}" to confirm`);
    await deps.removeSite(site.id);
    return { deleted: true };
  });

  scope.get('/sites/:id/keys', async (request) => {
    const site = await siteForRole(deps, request, 'admin');
    const keys = (await deps.apiKeys.list()).filter((key) => key.siteId === site.id);
    return { keys: keys.map(keyJson) };
  });

  scope.post('/sites/:id/keys', async (request, reply) => {
    const site = await siteForRole(deps, request, 'admin');
    const body = bodyObject(request.body);
    const permissions = Array.isArray(body.permissions) ? body.permissions.map(String) : ['read'];
    try {
      const created = await deps.apiKeys.create({
        name: optionalStringField(body, 'name', 100) ?? 'Dashboard key',
        siteId: site.id,
        permissions,
      });
      return reply.code(201).send({ key: created.key, record: keyJson(created.record) });
    } catch (error) {
      if (error instanceof ApiKeyInputError) throw invalid('permissions', error.message);
      throw error;
    }
  });

  scope.delete('/sites/:id/keys/:prefix', async (request) => {
    const site = await siteForRole(deps, request, 'admin');
    const { prefix } = request.params as { prefix: string };
    const key = (await deps.apiKeys.list()).find((item) => item.prefix === prefix && item.siteId === site.id);
    if (!key) throw new ApiError('NOT_FOUND');
    await deps.apiKeys.revoke(prefix);
    return { revoked: true };
  });
}
