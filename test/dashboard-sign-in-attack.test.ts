import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dashboardTestConfig } from './dashboard-helpers.ts';
import { DashboardClient } from './support/dashboard-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const password = 'correct horse battery staple';
const owner = 'owner@example.com';

let server: TestServer;

/** A dashboard client at one address (the test is the trusted proxy that names it). */
const from = (address: string) => new DashboardClient(server, { 'x-forwarded-for': address });

before(async () => {
  server = await startTestServer({ config: dashboardTestConfig });
  await server.runtime.accounts.createUser(owner, password);
});
after(() => server.stop());

test('the owner signs in during an attack from many addresses; the attackers are stopped', async () => {
  // Five addresses spend ten wrong guesses each on the owner's email, all at one instant.
  for (let a = 1; a <= 5; a++) {
    const attacker = from(`203.0.113.${a}`);
    for (let i = 0; i < 10; i++) {
      const guess = await attacker.signIn(owner, `guess-${a}-${i}`);
      assert.equal(guess.status, 401, `address ${a}, guess ${i}`);
      assert.equal(guess.body.error.code, 'LOGIN_FAILED');
    }
    const stopped = await attacker.signIn(owner, password);
    assert.equal(stopped.status, 429, 'ten failures from one address stop it, right password or not');
    assert.equal(stopped.body.error.code, 'LOGIN_RATE_LIMITED');
    assert.equal(stopped.headers.get('retry-after'), '900');
  }
  // A sixth address: one guess (it has no failures yet), then the 50 failures on the email count.
  const sixth = from('203.0.113.6');
  assert.equal((await sixth.signIn(owner, 'guess-6-0')).status, 401);
  server.clock.advance(60_000);
  const spread = await sixth.signIn(owner, 'guess-6-1');
  assert.equal(spread.status, 429);
  assert.equal(spread.headers.get('retry-after'), '840');

  // The owner, at home, gets in with the right password while all of that is going on.
  const home = from('198.51.100.20');
  const signedIn = await home.signIn(owner, password);
  assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
  assert.equal(signedIn.body.user.email, owner);
  assert.equal((await home.call('GET', '/sites')).status, 200);

  // Fifteen minutes after the first failures, an attacking address may try again.
  server.clock.advance(840_000);
  assert.equal((await from('203.0.113.1').signIn(owner, 'guess-late')).status, 401);
});

test('addresses of one IPv6 /64 share one budget', async () => {
  const email = 'six@example.com';
  await server.runtime.accounts.createUser(email, password);
  const attacker = from('2001:db8:1:2::1');
  for (let i = 0; i < 10; i++) assert.equal((await attacker.signIn(email, `guess-${i}`)).status, 401);
  assert.equal((await from('2001:db8:1:2::ffff').signIn(email, password)).status, 429);
  assert.equal((await from('2001:db8:1:3::1').signIn(email, password)).status, 200);
});

test('a wrong password when deleting the account counts as a failed sign-in', async () => {
  const email = 'leaving@example.com';
  await server.runtime.accounts.createUser(email, password);
  const browser = from('192.0.2.44');
  assert.equal((await browser.signIn(email, password)).status, 200);
  for (let i = 0; i < 10; i++) {
    const wrong = await browser.call('DELETE', '/account', { password: `guess-${i}` });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'PASSWORD_INCORRECT');
  }
  const stopped = await browser.call('DELETE', '/account', { password });
  assert.equal(stopped.status, 429);
  assert.equal(stopped.body.error.code, 'LOGIN_RATE_LIMITED');
  assert.equal(stopped.headers.get('retry-after'), '900');
});
