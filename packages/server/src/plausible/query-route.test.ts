import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { decorateApiKey } from '../auth/api-key-guard.ts';
import { ManualClock } from '../clock.ts';
import { silentLogger } from '../log.ts';
import type { StatsEngine } from '../stats/stats-engine.ts';
import type { ApiKeyRecord, MetadataStore, Site } from '../store/types.ts';
import { installPlausibleErrors } from './errors.ts';
import { registerPlausibleQueryRoute } from './query-route.ts';

const site: Site = {
  id: 'site-1',
  domain: 'dummy.site',
  name: 'Dummy',
  trackingCode: 'code-1',
  timezone: 'UTC',
  createdAt: '2026-01-01T00:00:00.000Z',
};
const key: ApiKeyRecord = {
  prefix: 'zv_12345678',
  keyHash: 'h',
  name: 'k',
  siteId: null,
  permissions: ['read'],
  createdAt: '2026-01-01T00:00:00.000Z',
  revokedAt: null,
};

/** The route over an engine that fails every statement with `failure`. */
async function routeFailingWith(failure: Error) {
  const app = Fastify();
  decorateApiKey(app);
  installPlausibleErrors(app, silentLogger);
  const engine = { query: async () => Promise.reject(failure) } as unknown as StatsEngine;
  registerPlausibleQueryRoute(app, {
    clock: new ManualClock(Date.parse('2026-03-10T12:00:00Z')),
    metadata: { listSites: async () => [site] } as unknown as MetadataStore,
    engine,
    guard: async (request) => {
      request.zvApiKey = key;
    },
  });
  return app;
}

const ask = (app: Awaited<ReturnType<typeof routeFailingWith>>, filters: unknown[]) =>
  app.inject({
    method: 'POST',
    url: '/api/v2/query',
    headers: { authorization: 'Bearer zv_x', 'content-type': 'application/json' },
    payload: { site_id: 'dummy.site', metrics: ['visitors'], date_range: '7d', filters },
  });

test("a pattern the engine's RE2 refuses is the client's 400, not a 500", async () => {
  const app = await routeFailingWith(new Error('Invalid Input Error: invalid escape sequence: \\q'));
  const refused = await ask(app, [['matches', 'event:page', ['^/x']]]);
  assert.equal(refused.statusCode, 400);
  assert.match(refused.json().error, /matches pattern/);
  // The same failure without a pattern in the query is the server's.
  const failed = await ask(app, [['is', 'event:page', ['/x']]]);
  assert.equal(failed.statusCode, 500);
  assert.deepEqual(Object.keys(failed.json()), ['error']);
  await app.close();
});
