import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Site } from '../packages/server/src/store/types.ts';
import { apiBase, assertApiError, assertApiOk, createKey } from './api-helpers.ts';
import { sendPricingThenSignupTraffic } from './support/funnel-traffic.ts';
import { restApiCaller } from './support/rest-api-call.ts';
import { addSite, startTestServer, type TestServer } from './support/test-server.ts';

// Funnels over the REST API: saved funnels read with `read` and changed only with `write`; the
// query over saved or ad-hoc steps; bad funnels refused naming the step.
let server: TestServer;
let shop: Site;
let readKey: string;
let writeKey: string;

const call = restApiCaller(() => server);

const steps = [
  { type: 'page', page_path: '/pricing' },
  { type: 'goal', goal: 'Signup' },
];

before(async () => {
  server = await startTestServer();
  shop = await addSite(server, 'shop.example');
  readKey = await createKey(server, { permissions: ['read'] });
  writeKey = await createKey(server, { permissions: ['read', 'write'] });
  // Ann: /pricing then signup a minute later; Bob: /pricing only; Cat: signup only.
  await sendPricingThenSignupTraffic(server, shop);
});
after(() => server.stop());

test('a write key saves, lists and deletes a funnel in the documented shape', async () => {
  const created = await call('POST', `/websites/${shop.id}/funnels`, writeKey, {
    name: 'Pricing to signup',
    steps,
    window: '2h',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const funnel = created.body.data;
  assert.match(funnel.id, /^f_[A-Za-z0-9_-]{16}$/);
  const goalId = (await server.runtime.goals.list(shop.id))[0]!.id;
  assert.deepEqual(funnel, {
    id: funnel.id,
    name: 'Pricing to signup',
    steps: [
      { type: 'page', name: '/pricing', label: null, page_path: '/pricing' },
      { type: 'goal', name: 'Signup', label: null, goal_id: goalId },
    ],
    window: '2h',
    window_ms: 7_200_000,
    order: 'sequential',
    created_at: '2026-03-10T12:01:00.000Z',
  });
  const listed = assertApiOk(await call('GET', `/websites/${shop.id}/funnels`, readKey));
  assert.equal(listed.total, 1);
  const taken = await call('POST', `/websites/${shop.id}/funnels`, writeKey, {
    name: 'Pricing to signup',
    steps,
  });
  assertApiError(taken, 409, 'CONFLICT');

  const answer = assertApiOk(
    await call('POST', '/stats/funnel', readKey, {
      site_id: shop.id,
      date_range: '7d',
      funnel_id: funnel.id,
    }),
  );
  assert.deepEqual(answer.funnel.id, funnel.id);
  assert.deepEqual(
    answer.steps.map((s: { visitors: number; drop_off: number }) => [s.visitors, s.drop_off]),
    [
      [2, 0],
      [1, 1],
    ],
  );
  assert.deepEqual(assertApiOk(await call('DELETE', `/websites/${shop.id}/funnels/${funnel.id}`, writeKey)), {
    deleted: true,
  });
  assertApiError(
    await call('DELETE', `/websites/${shop.id}/funnels/${funnel.id}`, writeKey),
    404,
    'NOT_FOUND',
  );
  assertApiError(
    await call('POST', '/stats/funnel', readKey, {
      site_id: shop.id,
      date_range: '7d',
      funnel_id: funnel.id,
    }),
    404,
    'NOT_FOUND',
  );
});

test('a read-only key gets FORBIDDEN for saving and deleting', async () => {
  assertApiError(
    await call('POST', `/websites/${shop.id}/funnels`, readKey, { name: 'X', steps }),
    403,
    'FORBIDDEN',
  );
  assertApiError(await call('DELETE', `/websites/${shop.id}/funnels/f_any`, readKey), 403, 'FORBIDDEN');
});

test('an ad-hoc funnel through the query endpoint: per step visitors, rates and drop-off', async () => {
  const answer = assertApiOk(
    await call('POST', '/stats/funnel', readKey, {
      site_id: shop.id,
      date_range: '7d',
      steps: [...steps, { type: 'event', event_name: 'never', label: 'Never happens' }],
      window: '30m',
      order: 'strict',
      breakdown: 'visit:device',
    }),
  );
  assert.deepEqual(answer.steps, [
    {
      step: 1,
      name: '/pricing',
      visitors: 2,
      conversion_rate: 100,
      conversion_rate_from_previous: 100,
      drop_off: 0,
    },
    {
      step: 2,
      name: 'Signup',
      visitors: 1,
      conversion_rate: 50,
      conversion_rate_from_previous: 50,
      drop_off: 1,
    },
    {
      step: 3,
      name: 'Never happens',
      visitors: 0,
      conversion_rate: 0,
      conversion_rate_from_previous: 0,
      drop_off: 1,
    },
  ]);
  assert.deepEqual(answer.funnel, {
    id: null,
    name: null,
    steps: answer.funnel.steps,
    window: '30m',
    window_ms: 1_800_000,
    order: 'strict',
  });
  assert.deepEqual(
    answer.breakdown.results.map((row: { value: string; steps: Array<{ visitors: number }> }) => [
      row.value,
      row.steps.map((s) => s.visitors),
    ]),
    [['server', [2, 1, 0]]],
  );
  assert.deepEqual(answer.meta, { timezone: 'UTC', date_range: { start: '2026-03-04', end: '2026-03-10' } });
});

test('bad funnels: VALIDATION_ERROR naming the step or field', async () => {
  const refused = async (body: Record<string, unknown>) => {
    const response = await call('POST', '/stats/funnel', readKey, {
      site_id: shop.id,
      date_range: '7d',
      ...body,
    });
    assertApiError(response, 400, 'VALIDATION_ERROR');
    return response.body.error.fields;
  };
  assert.deepEqual(await refused({ steps: [steps[0]] }), [
    { field: 'steps', reason: 'a funnel has 2 to 8 steps; got 1' },
  ]);
  assert.deepEqual(await refused({ steps: Array(9).fill(steps[0]) }), [
    { field: 'steps', reason: 'a funnel has 2 to 8 steps; got 9' },
  ]);
  assert.deepEqual(await refused({ steps: [steps[0], { type: 'goal', goal: 'Nope' }] }), [
    {
      field: 'steps[1].goal',
      reason:
        'the goal "Nope" is not configured for this site; list them with GET /api/external/v1/websites/{id}/goals',
    },
  ]);
  assert.deepEqual(await refused({ steps, window: '0m' }), [
    { field: 'window', reason: 'must be from 1 minute ("1m") to 30 days ("30d"); got "0m"' },
  ]);
  assert.deepEqual(await refused({ steps, window: '40d' }), [
    { field: 'window', reason: 'must be from 1 minute ("1m") to 30 days ("30d"); got "40d"' },
  ]);
  assert.deepEqual(await refused({ steps: [steps[0], { type: 'page', page_path: '/a/***' }] }), [
    {
      field: 'steps[1].page_path',
      reason: 'use * (within a segment) or ** (across segments), not three or more',
    },
  ]);
  // Everything at once, the stats query's own checks included.
  assert.deepEqual(
    (
      await refused({
        steps: [{ type: 'video' }, { type: 'event' }],
        order: 'loose',
        breakdown: 'event:page',
        filters: [['is', 'visit:nope', ['x']]],
      })
    ).map((item: { field: string }) => item.field),
    ['filters[0][1]', 'breakdown', 'order', 'steps[0].type', 'steps[1].event_name'],
  );
  // The saved path refuses the same way.
  const saved = await call('POST', `/websites/${shop.id}/funnels`, writeKey, {
    name: 'Bad',
    steps: [steps[0]],
  });
  assertApiError(saved, 400, 'VALIDATION_ERROR');
  assert.deepEqual(saved.body.error.fields, [{ field: 'steps', reason: 'a funnel has 2 to 8 steps; got 1' }]);
});

test('the funnel routes are in the OpenAPI document', async () => {
  const response = await fetch(`${server.url}${apiBase}/openapi.json`);
  const doc = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
  assert.ok(doc.paths[`${apiBase}/websites/{id}/funnels`]?.get);
  assert.ok(doc.paths[`${apiBase}/websites/{id}/funnels`]?.post);
  assert.ok(doc.paths[`${apiBase}/websites/{id}/funnels/{funnelId}`]?.delete);
  assert.ok(doc.paths[`${apiBase}/stats/funnel`]?.post);
});
