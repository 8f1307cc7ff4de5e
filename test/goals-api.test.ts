import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Site } from '../packages/server/src/store/types.ts';
import { assertApiError, assertApiOk, createKey } from './api-helpers.ts';
import { restApiCaller } from './support/rest-api-call.ts';
import {
  addSite,
  postEvent,
  serverDefaults,
  startTestServer,
  type TestServer,
} from './support/test-server.ts';

// Goals over the REST API: read with `read`, changed only with `write`; a key never reaches
// another site's goals; a goal added after its events still counts them.
let server: TestServer;
let shop: Site;
let blog: Site;
let readKey: string;
let writeKey: string;
let blogWriteKey: string;

before(async () => {
  server = await startTestServer();
  shop = await addSite(server, 'shop.example');
  blog = await addSite(server, 'blog.example');
  readKey = await createKey(server, { permissions: ['read'] });
  writeKey = await createKey(server, { permissions: ['read', 'write'] });
  blogWriteKey = await createKey(server, { siteId: blog.id, permissions: ['read', 'write'] });
});
after(() => server.stop());

const call = restApiCaller(() => server);

const signupBody = {
  type: 'event',
  name: 'Signup',
  event_name: 'signup',
  properties: { plan: 'pro' },
  currency: 'usd',
};

test('a write key adds, renames and deletes; the goal comes back in the documented shape', async () => {
  const created = await call('POST', `/websites/${shop.id}/goals`, writeKey, signupBody);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.success, true);
  const goal = created.body.data;
  assert.match(goal.id, /^g_[A-Za-z0-9_-]{16}$/);
  assert.deepEqual(goal, {
    id: goal.id,
    name: 'Signup',
    type: 'event',
    event_name: 'signup',
    page_path: null,
    properties: { plan: 'pro' },
    currency: 'USD',
    created_at: '2026-03-10T12:00:00.000Z',
  });
  server.clock.advance(1_000); // listed oldest first
  const page = await call('POST', `/websites/${shop.id}/goals`, writeKey, {
    type: 'page',
    page_path: '/pricing/*',
  });
  assert.equal(page.status, 201);
  assert.equal(page.body.data.name, '/pricing/*', 'the name defaults to the path');

  const listed = assertApiOk(await call('GET', `/websites/${shop.id}/goals`, readKey));
  assert.equal(listed.total, 2);
  assert.deepEqual(
    listed.goals.map((item: { name: string }) => item.name),
    ['Signup', '/pricing/*'],
  );

  const renamed = assertApiOk(
    await call('PATCH', `/websites/${shop.id}/goals/${page.body.data.id}`, writeKey, { name: 'Pricing' }),
  );
  assert.equal(renamed.name, 'Pricing');
  assert.equal(renamed.id, page.body.data.id);
  const deleted = await call('DELETE', `/websites/${shop.id}/goals/${page.body.data.id}`, writeKey);
  assert.deepEqual(assertApiOk(deleted), { deleted: true });
  assertApiError(
    await call('DELETE', `/websites/${shop.id}/goals/${page.body.data.id}`, writeKey),
    404,
    'NOT_FOUND',
  );
});

test('a read-only key lists but gets FORBIDDEN for every change, even on a site it can read', async () => {
  assertApiOk(await call('GET', `/websites/${shop.id}/goals`, readKey));
  const goalId = (await server.runtime.goals.list(shop.id))[0]!.id;
  assertApiError(await call('POST', `/websites/${shop.id}/goals`, readKey, signupBody), 403, 'FORBIDDEN');
  assertApiError(
    await call('PATCH', `/websites/${shop.id}/goals/${goalId}`, readKey, { name: 'X' }),
    403,
    'FORBIDDEN',
  );
  assertApiError(await call('DELETE', `/websites/${shop.id}/goals/${goalId}`, readKey), 403, 'FORBIDDEN');
  assert.equal((await server.runtime.goals.list(shop.id))[0]!.name, 'Signup', 'nothing changed');
});

test('refusals: every bad field at once, a taken name is CONFLICT', async () => {
  const bad = await call('POST', `/websites/${shop.id}/goals`, writeKey, {
    type: 'event',
    currency: 'DEM',
    properties: { a: '1', b: '2', c: '3', d: '4' },
  });
  assertApiError(bad, 400, 'VALIDATION_ERROR');
  assert.deepEqual(
    bad.body.error.fields.map((item: { field: string }) => item.field),
    ['event_name', 'properties', 'currency', 'name'],
  );
  const taken = await call('POST', `/websites/${shop.id}/goals`, writeKey, {
    ...signupBody,
    event_name: 'other',
  });
  assertApiError(taken, 409, 'CONFLICT');
  assert.deepEqual(taken.body.error.fields, [
    { field: 'name', reason: 'this site already has a goal named "Signup"; choose another name' },
  ]);
  const emptyName = await call('PATCH', `/websites/${shop.id}/goals/g_whatever`, writeKey, { name: '  ' });
  assertApiError(emptyName, 400, 'VALIDATION_ERROR');
  assert.deepEqual(emptyName.body.error.fields, [{ field: 'name', reason: 'must not be empty' }]);
});

test('cross-site isolation: a scoped key sees NOT_FOUND, a goal id works only under its own site', async () => {
  const shopGoal = (await server.runtime.goals.list(shop.id))[0]!;
  // The blog's key on the shop: the shop does not exist for it.
  assertApiError(await call('GET', `/websites/${shop.id}/goals`, blogWriteKey), 404, 'NOT_FOUND');
  assertApiError(
    await call('POST', `/websites/${shop.id}/goals`, blogWriteKey, signupBody),
    404,
    'NOT_FOUND',
  );
  assertApiError(
    await call('DELETE', `/websites/${shop.id}/goals/${shopGoal.id}`, blogWriteKey),
    404,
    'NOT_FOUND',
  );
  // The shop's goal id named under the blog (which this key may change): no such goal there.
  assertApiError(
    await call('DELETE', `/websites/${blog.id}/goals/${shopGoal.id}`, blogWriteKey),
    404,
    'NOT_FOUND',
  );
  assertApiError(
    await call('PATCH', `/websites/${blog.id}/goals/${shopGoal.id}`, writeKey, { name: 'Stolen' }),
    404,
    'NOT_FOUND',
  );
  // The same name on another site is another goal.
  const blogGoal = await call('POST', `/websites/${blog.id}/goals`, blogWriteKey, signupBody);
  assert.equal(blogGoal.status, 201);
  const blogList = assertApiOk(await call('GET', `/websites/${blog.id}/goals`, blogWriteKey));
  assert.deepEqual(
    blogList.goals.map((item: { id: string }) => item.id),
    [blogGoal.body.data.id],
  );
  const shopList = assertApiOk(await call('GET', `/websites/${shop.id}/goals`, writeKey));
  assert.deepEqual(
    shopList.goals.map((item: { id: string }) => item.id),
    [shopGoal.id],
  );
  assertApiError(await call('GET', '/websites/nope/goals', writeKey), 404, 'NOT_FOUND');
});

test('a goal added after its events reports them; deleting it deletes no event', async () => {
  const event = (session: string, plan: string) => ({
    ...serverDefaults,
    url: 'https://blog.example/welcome',
    session_id: session,
    event_type: 'custom',
    event_name: 'newsletter',
    properties: { plan },
  });
  const first = await postEvent(server, blog.trackingCode, event('srv-goal-0001', 'free'));
  assert.equal(first.status, 202, JSON.stringify(first.body));
  assert.equal((await postEvent(server, blog.trackingCode, event('srv-goal-0002', 'paid'))).status, 202);
  const added = await call('POST', `/websites/${blog.id}/goals`, blogWriteKey, {
    type: 'event',
    name: 'Paid newsletter',
    event_name: 'newsletter',
    properties: { plan: 'paid' },
  });
  assert.equal(added.status, 201);
  const query = {
    site_id: blog.id,
    date_range: '7d',
    metrics: ['events'],
    filters: [['is', 'event:goal', ['Paid newsletter']]],
  };
  const counted = assertApiOk(await call('POST', '/stats/query', blogWriteKey, query));
  assert.deepEqual(counted.results, [{ dimensions: [], metrics: [1] }]);
  await call('DELETE', `/websites/${blog.id}/goals/${added.body.data.id}`, blogWriteKey);
  const all = assertApiOk(
    await call('POST', '/stats/query', blogWriteKey, {
      site_id: blog.id,
      date_range: '7d',
      metrics: ['events'],
    }),
  );
  assert.deepEqual(all.results, [{ dimensions: [], metrics: [2] }], 'both events are still there');
});
