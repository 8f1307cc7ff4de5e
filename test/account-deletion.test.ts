import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { utcDay } from '../packages/server/src/clock.ts';
import { apiGet, assertApiError, assertApiOk, createKey } from './api-helpers.ts';
import { dashboardTestConfig } from './dashboard-helpers.ts';
import { DashboardClient } from './support/dashboard-client.ts';
import { curlPageview } from './support/spec-examples.ts';
import { postEvent, startTestServer, storedEvents, type TestServer } from './support/test-server.ts';

// "An account's deletion removes its data" (product facts, Data handling): over HTTP against the
// real server, the sites only the account owns go with their events, keys, proxy keys and refusal
// counters; shared sites stay; sessions end and the account cannot sign in again.

const password = 'correct horse battery staple';
let server: TestServer;
let addresses = 0;

/** A dashboard client from its own address, so the sign-in limit per address never interferes. */
const client = () => new DashboardClient(server, { 'x-forwarded-for': `203.0.113.${++addresses}` });

async function signedIn(email: string, secret = password): Promise<DashboardClient> {
  const person = client();
  assert.equal((await person.signIn(email, secret)).status, 200);
  return person;
}

async function siteOf(
  person: DashboardClient,
  domain: string,
): Promise<{ id: string; tracking_code: string }> {
  const created = await person.call('POST', '/sites', { domain });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.site;
}

async function sendEvents(trackingCode: string, sessionId: string): Promise<void> {
  assert.equal(
    (await postEvent(server, trackingCode, { ...curlPageview, session_id: sessionId })).status,
    202,
  );
  // A refused event leaves a counter for the site.
  const foreign = await postEvent(server, trackingCode, curlPageview, {
    origin: 'https://elsewhere.example',
  });
  assert.equal(foreign.status, 403);
}

async function refusalsOf(siteId: string) {
  await server.runtime.refusals.flush();
  return server.runtime.metadata.refusals(utcDay(server.clock.now() - 86_400_000), siteId);
}

before(async () => {
  server = await startTestServer({ config: dashboardTestConfig });
  const owner = client();
  await owner.call('GET', '/session');
  assert.equal((await owner.call('POST', '/setup', { email: 'first@example.com', password })).status, 200);
  server.clock.advance(1_000); // "the first account" is the oldest: keep creation times apart
  await server.runtime.accounts.createUser('leaving@example.com', password);
});

after(async () => {
  await server?.stop();
});

test('deleting an account removes its own sites with their data, keeps shared ones, and ends its sessions', async () => {
  const first = await signedIn('first@example.com');
  const leaving = await signedIn('Leaving@Example.com');
  const otherBrowser = await signedIn('leaving@example.com');
  const kept = await siteOf(first, 'kept.example');
  const own = await siteOf(leaving, 'own.example');
  const shared = await siteOf(leaving, 'shared.example');
  const firstUser = await server.runtime.accounts.userWithEmail('first@example.com');
  await server.runtime.accounts.addOwner(shared.id, firstUser!.id);
  for (const site of [kept, own, shared]) await sendEvents(site.tracking_code, `srv-${site.id}`);
  const ownKey = await createKey(server, { siteId: own.id });
  const sharedKey = await createKey(server, { siteId: shared.id });
  const installKey = await createKey(server);
  const proxy = await leaving.call('POST', `/sites/${own.id}/proxy-keys`, { name: 'edge' });
  assert.equal(proxy.status, 201);
  assert.ok(server.runtime.proxyKeys.match(proxy.body.key));
  assert.equal((await storedEvents(server, own.id)).length, 1);
  assert.ok((await refusalsOf(own.id)).length > 0);
  assertApiOk(await apiGet(server, `/websites/${own.id}`, ownKey));

  // A wrong password or a missing CSRF token changes nothing.
  const wrong = await leaving.call('DELETE', '/account', { password: 'not the password at all' });
  assert.equal(wrong.status, 403);
  assert.equal(wrong.body.error.code, 'PASSWORD_INCORRECT');
  const noCsrf = await leaving.call('DELETE', '/account', { password }, { 'x-csrf-token': '' });
  assert.equal(noCsrf.body.error.code, 'CSRF_TOKEN_INVALID');
  const missing = await leaving.call('DELETE', '/account', {});
  assert.equal(missing.body.error.code, 'VALIDATION_ERROR');
  assert.equal((await storedEvents(server, own.id)).length, 1);
  assert.ok(await server.runtime.accounts.userWithEmail('leaving@example.com'));

  const deleted = await leaving.call('DELETE', '/account', { password });
  assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
  assert.deepEqual(deleted.body.deleted_sites, [{ id: own.id, domain: 'own.example' }]);
  assert.deepEqual(deleted.body.kept_sites, [{ id: shared.id, domain: 'shared.example' }]);
  assert.equal(leaving.cookies.has('zv_session'), false, 'the session cookie is cleared');

  // The own site is gone with its events, refusal counters, keys and proxy keys.
  assert.deepEqual(await storedEvents(server, own.id), []);
  assert.deepEqual(await refusalsOf(own.id), []);
  assertApiError(await apiGet(server, `/websites/${own.id}`, ownKey), 401, 'UNAUTHORIZED');
  assertApiError(await apiGet(server, `/websites/${own.id}`, installKey), 404, 'NOT_FOUND');
  assert.equal(server.runtime.proxyKeys.match(proxy.body.key), undefined);
  assert.deepEqual(await server.runtime.proxyKeys.list(own.id), []);
  const late = await postEvent(server, own.tracking_code, { ...curlPageview, session_id: 'srv-late' });
  assert.equal(late.body.error.code, 'UNKNOWN_TRACKING_CODE');

  // The shared site and the other account's site are intact, keys included.
  assert.equal((await storedEvents(server, shared.id)).length, 1);
  assert.equal((await storedEvents(server, kept.id)).length, 1);
  assert.ok((await refusalsOf(shared.id)).length > 0);
  assertApiOk(await apiGet(server, `/websites/${shared.id}`, sharedKey));
  const firstSites = (await first.call('GET', '/sites')).body.sites.map((s: { domain: string }) => s.domain);
  assert.deepEqual(firstSites.sort(), ['kept.example', 'shared.example']);

  // Every session of the account ended, and it cannot sign in again.
  assert.equal((await otherBrowser.call('GET', '/session')).body.user, null);
  assert.equal((await otherBrowser.call('GET', '/sites')).body.error.code, 'NOT_SIGNED_IN');
  const again = await client().signIn('leaving@example.com', password);
  assert.equal(again.status, 401);
  assert.equal(again.body.error.code, 'LOGIN_FAILED');
});

test('the only account cannot be deleted; the first account takes the sites nobody claimed with it', async () => {
  const first = await signedIn('first@example.com');
  const only = await first.call('DELETE', '/account', { password });
  assert.equal(only.status, 409);
  assert.equal(only.body.error.code, 'LAST_ACCOUNT');
  assert.ok(await server.runtime.accounts.userWithEmail('first@example.com'));

  // A site made with `zenovay sites add` has no members: it belongs to the first account.
  const unclaimed = await server.runtime.sites.add('cli.example');
  await sendEvents(unclaimed.trackingCode, 'srv-cli-site');
  server.clock.advance(1_000);
  await server.runtime.accounts.createUser('second@example.com', password);
  const deleted = await first.call('DELETE', '/account', { password });
  assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
  const domains = deleted.body.deleted_sites.map((s: { domain: string }) => s.domain).sort();
  assert.deepEqual(domains, ['cli.example', 'kept.example', 'shared.example']);
  assert.deepEqual(await storedEvents(server, unclaimed.id), []);
  assert.deepEqual(await server.runtime.sites.list(), [], 'the second account inherits nothing');
  const second = await signedIn('second@example.com');
  assert.deepEqual((await second.call('GET', '/sites')).body.sites, []);
});
