import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Funnels } from '../../funnels/funnels.ts';
import type { Site } from '../../store/types.ts';
import type { ApiRouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import {
  funnelCreateBody,
  funnelIdParams,
  funnelQueryBody,
  funnelResultSchema,
  funnelSchema,
} from '../funnel-schemas.ts';
import { goalCreatedResponses, goalResponses } from '../goal-schemas.ts';
import { responses, siteIdParams } from '../schemas.ts';
import { siteForKey, visibleSites, writableSiteForKey } from '../site-access.ts';

type SiteParams = { Params: { id: string } };
type FunnelParams = { Params: { id: string; funnelId: string } };

/** Accepts any body as it is: the schema documents, the funnel readers validate (naming the step). */
const documentOnly = () => () => true;

/**
 * Saved funnels of a website (listed with `read`, changed only with `write`: a read-only key gets
 * FORBIDDEN) and the funnel query over saved or ad-hoc steps.
 */
export function registerFunnelRoutes(app: FastifyInstance, context: ApiRouteContext, funnels: Funnels): void {
  const tags = ['funnels'];
  const writableSite = (request: FastifyRequest<SiteParams>): Promise<Site> =>
    writableSiteForKey(context.metadata, request.zvApiKey!, request.params.id);

  app.get<SiteParams>(
    '/websites/:id/funnels',
    {
      schema: {
        summary: 'List the website’s saved funnels, oldest first',
        tags,
        params: siteIdParams,
        response: responses(
          {
            type: 'object',
            required: ['funnels', 'total'],
            properties: { funnels: { type: 'array', items: funnelSchema }, total: { type: 'integer' } },
          },
          'The funnels',
        ),
      },
    },
    async (request) => {
      const site = await siteForKey(context.metadata, request.zvApiKey!, request.params.id);
      const list = await funnels.service.list(site.id);
      return success({ funnels: await funnels.json(list, site.id), total: list.length }, context.clock);
    },
  );

  app.post<SiteParams>(
    '/websites/:id/funnels',
    {
      validatorCompiler: documentOnly,
      schema: {
        summary: 'Save a funnel (needs a key with the write permission)',
        description: 'Funnels are views over events: a funnel saved today reports the past too.',
        tags,
        params: siteIdParams,
        body: funnelCreateBody,
        response: goalCreatedResponses(funnelSchema, 'The funnel'),
      },
    },
    async (request, reply) => {
      const site = await writableSite(request);
      const funnel = await funnels.service.create(site.id, request.body);
      const [json] = await funnels.json([funnel], site.id);
      return reply.code(201).send(success(json, context.clock));
    },
  );

  app.delete<FunnelParams>(
    '/websites/:id/funnels/:funnelId',
    {
      schema: {
        summary: 'Delete a saved funnel (needs write)',
        tags,
        params: funnelIdParams,
        response: goalResponses(
          {
            type: 'object',
            required: ['deleted'],
            properties: { deleted: { type: 'boolean', enum: [true] } },
          },
          'Deleted',
        ),
      },
    },
    async (request) => {
      const site = await writableSite(request);
      await funnels.service.delete(site.id, request.params.funnelId);
      return success({ deleted: true }, context.clock);
    },
  );

  app.post<{ Body: unknown }>(
    '/stats/funnel',
    {
      validatorCompiler: documentOnly,
      schema: {
        summary: 'Visitors per funnel step (saved funnel or ad-hoc steps), with conversion and drop-off',
        description:
          'Counted per unique visitor. Filters are those of /stats/query; breakdown by one visit dimension.',
        tags: ['stats', 'funnels'],
        body: funnelQueryBody,
        response: responses(funnelResultSchema, 'Visitors, conversion rates and drop-off per step'),
      },
    },
    async (request) => {
      const sites = await visibleSites(context.metadata, request.zvApiKey!);
      return success(await funnels.answer(request.body, sites), context.clock);
    },
  );
}
