import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

const description = `Read your Zenovay analytics from your own code.

Authenticate with an API key (\`zv_…\`, created with \`npx zenovay keys create\`) in \`X-API-Key\` or
\`Authorization: Bearer\`. Every JSON answer is \`{"success":true,"data":…,"timestamp":…}\`; every
refusal is \`{"success":false,"error":{"code":…,"message":…}}\`. Each key may make a limited number of
requests per minute (\`X-RateLimit-Limit/Remaining/Reset\`) and per calendar month in UTC
(\`X-RateLimit-Monthly-Limit/Remaining/Reset\`); a 429 carries \`Retry-After\` (for the monthly
quota: the seconds until the next month begins). \`GET /usage\` reports both and this month's count.`;

/**
 * Registers @fastify/swagger in the API's context. It collects every route added afterwards,
 * with the very schemas Fastify validates requests and serializes responses with, so the document
 * cannot drift from the code. Must be registered before the routes.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Zenovay REST API', version: '1.0.0', description },
      components: {
        securitySchemes: {
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ apiKeyHeader: [] }, { bearer: [] }],
    },
  });
}

export function registerOpenApiRoute(app: FastifyInstance): void {
  app.get(
    '/openapi.json',
    {
      schema: {
        summary: 'This document (OpenAPI 3.1); needs no key',
        tags: ['meta'],
        security: [],
        response: {
          200: { description: 'The OpenAPI document', type: 'object', additionalProperties: true },
        },
      },
    },
    async () => app.swagger(),
  );
}
