import type { FastifyInstance } from 'fastify';
import { siteJson } from '../../sites/site-json.ts';
import type { ApiRouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import { responses, siteIdParams, websiteSchema } from '../schemas.ts';
import { siteForKey, visibleSites } from '../site-access.ts';

/** `GET /websites` and `GET /websites/{id}`: the sites this key may read. */
export function registerWebsiteRoutes(app: FastifyInstance, context: ApiRouteContext): void {
  app.get(
    '/websites',
    {
      schema: {
        summary: 'List the websites this key can read',
        tags: ['websites'],
        response: responses(
          {
            type: 'object',
            required: ['websites', 'total'],
            properties: { websites: { type: 'array', items: websiteSchema }, total: { type: 'integer' } },
          },
          'The websites, oldest first',
        ),
      },
    },
    async (request) => {
      const sites = await visibleSites(context.metadata, request.zvApiKey!);
      return success({ websites: sites.map(siteJson), total: sites.length }, context.clock);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/websites/:id',
    {
      schema: {
        summary: 'One website',
        tags: ['websites'],
        params: siteIdParams,
        response: responses(websiteSchema, 'The website'),
      },
    },
    async (request) => {
      const site = await siteForKey(context.metadata, request.zvApiKey!, request.params.id);
      return success(siteJson(site), context.clock);
    },
  );
}
