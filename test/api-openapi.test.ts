import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { apiBase, apiGet } from './api-helpers.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

let server: TestServer;
// biome-ignore lint/suspicious/noExplicitAny: the document is arbitrary JSON
let doc: any;

before(async () => {
  server = await startTestServer();
  const response = await apiGet(server, '/openapi.json');
  assert.equal(response.status, 200);
  doc = response.body;
});
after(() => server.stop());

/**
 * Every (method, path) the running app serves, read from Fastify's own route tree
 * (`printRoutes`), so a route added without a schema cannot hide from this test.
 */
function appRoutes(tree: string): Array<{ method: string; path: string }> {
  const routes: Array<{ method: string; path: string }> = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const full = (stack[depth - 1] ?? '') + match[2]!;
    stack.push(full);
    for (const method of (match[3] ?? '').split(', ').filter((m) => m !== '' && m !== 'HEAD')) {
      routes.push({ method, path: full });
    }
  }
  return routes;
}

test('the OpenAPI document is valid OpenAPI 3.1 (checked by a real validator)', async () => {
  assert.equal(doc.openapi, '3.1.0');
  const result = await new Validator().validate(doc);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
});

test('every route of the app under /api/external/v1 appears in the document', () => {
  const routes = appRoutes(server.runtime.app.printRoutes({ commonPrefix: false })).filter((route) =>
    route.path.startsWith(apiBase),
  );
  assert.ok(routes.length >= 11, `found only ${JSON.stringify(routes)}`);
  for (const { method, path } of routes) {
    const documented = path.replace(/:([A-Za-z_]+)/g, '{$1}');
    assert.ok(
      doc.paths[documented]?.[method.toLowerCase()],
      `${method} ${documented} is not in openapi.json`,
    );
  }
  const expected = [
    'GET /websites',
    'GET /websites/{id}',
    'GET /analytics/{id}',
    'GET /analytics/{id}/pages',
    'GET /analytics/{id}/countries',
    'GET /analytics/{id}/technology',
    'GET /analytics/{id}/visitors',
    'GET /usage',
    'POST /stats/query',
    'GET /export/{id}',
    'GET /openapi.json',
  ];
  for (const entry of expected) {
    const [method, path] = entry.split(' ');
    assert.ok(doc.paths[`${apiBase}${path}`]?.[method!.toLowerCase()], `${entry} missing`);
  }
});

test('the document carries the request schemas that validate requests and both key schemes', () => {
  const analytics = doc.paths[`${apiBase}/analytics/{id}`].get;
  const range = analytics.parameters.find((p: { name: string }) => p.name === 'range');
  assert.deepEqual(range.schema.enum, ['24h', '7d', '30d', '90d', '1y']);
  assert.ok(doc.paths[`${apiBase}/stats/query`].post.requestBody.content['application/json'].schema);
  assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['apiKeyHeader', 'bearer']);
  assert.deepEqual(doc.paths[`${apiBase}/openapi.json`].get.security, []);
});
