import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Site } from '../packages/server/src/store/types.ts';
import { DashboardClient } from './support/dashboard-client.ts';
import { assertRefusal } from './support/refusal-assert.ts';
import { addSite, startTestServer, type TestServer } from './support/test-server.ts';

// The dashboard's goal routes (site settings): session, CSRF and membership as every other
// dashboard write; the same goal shape and refusals as the REST API.
const password = 'correct horse battery staple';
let server: TestServer;
let mine: Site;
let theirs: Site;

before(async () => {
  server = await startTestServer();
  const owner = await server.runtime.accounts.createUser('owner@example.com', password);
  const other = await server.runtime.accounts.createUser('other@example.com', password);
  mine = await addSite(server, 'mine.example');
  theirs = await addSite(server, 'theirs.example');
  await server.runtime.accounts.addOwner(mine.id, owner.id);
  await server.runtime.accounts.addOwner(theirs.id, other.id);
});
after(() => server.stop());

async function signedIn(email: string): Promise<DashboardClient> {
  const client = new DashboardClient(server);
  assert.equal((await client.signIn(email, password)).status, 200);
  return client;
}

test('a member adds, lists, renames and deletes the goals of their site', async () => {
  const client = await signedIn('owner@example.com');
  const base = `/sites/${mine.id}/goals`;
  const created = await client.call('POST', base, {
    type: 'page',
    name: 'Checkout',
    page_path: '/checkout/**',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const goal = created.body.goal;
  assert.deepEqual(goal, {
    id: goal.id,
    name: 'Checkout',
    type: 'page',
    event_name: null,
    page_path: '/checkout/**',
    properties: {},
    currency: null,
    created_at: '2026-03-10T12:00:00.000Z',
  });
  assert.deepEqual((await client.call('GET', base)).body, { goals: [goal] });
  const renamed = await client.call('PATCH', `${base}/${goal.id}`, { name: 'Checkout reached' });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.goal.name, 'Checkout reached');
  const taken = await client.call('POST', base, { type: 'event', event_name: 'x', name: 'Checkout reached' });
  assert.deepEqual(assertRefusal(taken, 'CONFLICT'), [
    { field: 'name', reason: 'this site already has a goal named "Checkout reached"; choose another name' },
  ]);
  const invalid = await client.call('POST', base, { type: 'page', page_path: 'no-slash' });
  assert.equal(assertRefusal(invalid, 'VALIDATION_ERROR')[0]?.field, 'page_path');
  assert.deepEqual((await client.call('DELETE', `${base}/${goal.id}`)).body, { deleted: true });
  assertRefusal(await client.call('DELETE', `${base}/${goal.id}`), 'NOT_FOUND');
  assert.deepEqual((await client.call('GET', base)).body, { goals: [] });
});

test('writes need the CSRF token; nothing without a session; another member’s site is NOT_FOUND', async () => {
  const client = await signedIn('owner@example.com');
  const base = `/sites/${mine.id}/goals`;
  const body = { type: 'event', event_name: 'signup' };
  assertRefusal(await client.call('POST', base, body, { 'x-csrf-token': 'wrong' }), 'CSRF_TOKEN_INVALID');
  assert.deepEqual((await client.call('GET', base)).body, { goals: [] }, 'nothing was added');

  const anonymous = new DashboardClient(server);
  await anonymous.call('GET', '/session');
  assertRefusal(await anonymous.call('GET', base), 'NOT_SIGNED_IN');

  // The other user's site answers like a missing one; their goal is out of reach by id too.
  const theirGoal = await server.runtime.goals.create(theirs.id, body);
  assertRefusal(await client.call('GET', `/sites/${theirs.id}/goals`), 'NOT_FOUND');
  assertRefusal(await client.call('POST', `/sites/${theirs.id}/goals`, body), 'NOT_FOUND');
  assertRefusal(await client.call('DELETE', `/sites/${theirs.id}/goals/${theirGoal.id}`), 'NOT_FOUND');
  assertRefusal(await client.call('DELETE', `${base}/${theirGoal.id}`), 'NOT_FOUND');
  assert.equal((await server.runtime.goals.list(theirs.id)).length, 1, 'their goal is still there');
});
