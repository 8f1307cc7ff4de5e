import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { DashboardClient } from './support/dashboard-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

// Members and invitations over HTTP against a real server: an install from before roles keeps
// its owner; an invitation is a one-time link for one email, valid 7 days, that signs a new
// person up or adds an existing account; removing a member ends their access from the next
// request; the last owner can neither leave nor be demoted.

const password = 'correct horse battery staple';
let server: TestServer;
let first: DashboardClient;
let cliSite: { id: string };

async function signedIn(email: string): Promise<DashboardClient> {
  const client = new DashboardClient(server);
  const answer = await client.signIn(email, password);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return client;
}

async function invite(email: string, role = 'viewer'): Promise<{ token: string; id: string }> {
  const answer = await first.call('POST', `/sites/${cliSite.id}/invites`, { email, role });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return { token: answer.body.token, id: answer.body.invite.id };
}

before(async () => {
  server = await startTestServer();
  await server.runtime.accounts.createUser('first@example.com', password);
  server.clock.advance(1_000);
  await server.runtime.accounts.createUser('second@example.com', password);
  // As `zenovay sites add` makes it: no members at all.
  cliSite = await server.runtime.sites.add('cli.example');
  first = await signedIn('first@example.com');
});

after(async () => server?.stop());

test('a site with no members (made with the CLI) is the first account’s, as owner', async () => {
  const sites = (await first.call('GET', '/sites')).body.sites;
  assert.deepEqual(
    sites.map((s: { domain: string; role: string }) => [s.domain, s.role]),
    [['cli.example', 'owner']],
  );
  const second = await signedIn('second@example.com');
  assert.deepEqual((await second.call('GET', '/sites')).body.sites, []);
  assert.equal((await second.call('GET', `/sites/${cliSite.id}`)).status, 404);
  const members = (await first.call('GET', `/sites/${cliSite.id}/members`)).body;
  assert.deepEqual(members.members, [
    { user_id: members.members[0].user_id, email: 'first@example.com', role: 'owner' },
  ]);
});

test('an invitation signs a new person up: one-time, only its hash stored, the first owner stays', async () => {
  const made = await first.call('POST', `/sites/${cliSite.id}/invites`, {
    email: 'New@Example.com',
    role: 'viewer',
  });
  assert.equal(made.status, 201);
  assert.match(made.body.token, /^zvi_[A-Za-z0-9_-]{43}$/);
  assert.equal(made.body.path, `/invite/${made.body.token}`);
  assert.equal(made.body.mail_sent, false);
  assert.equal(made.body.invite.email, 'new@example.com');
  assert.equal(made.body.invite.expires_at, '2026-03-17T12:00:01.000Z');
  const connection = await server.runtime.duckdb.connect();
  try {
    const rows = (await connection.runAndReadAll('SELECT token_hash FROM site_invites')).getRowObjectsJS();
    assert.deepEqual(rows, [{ token_hash: createHash('sha256').update(made.body.token).digest('hex') }]);
  } finally {
    connection.closeSync();
  }
  const stranger = new DashboardClient(server);
  await stranger.call('GET', '/session');
  const offer = await stranger.call('GET', `/invites/${made.body.token}`);
  assert.equal(offer.status, 200);
  assert.deepEqual(offer.body, {
    site: { name: 'cli.example', domain: 'cli.example' },
    email: 'new@example.com',
    role: 'viewer',
    account_exists: false,
    signed_in_as: null,
  });
  const short = await stranger.call('POST', `/invites/${made.body.token}/accept`, { password: 'short' });
  assert.equal(short.status, 400);
  assert.equal(short.body.error.fields[0].field, 'password');
  const accepted = await stranger.call('POST', `/invites/${made.body.token}/accept`, { password });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  assert.equal(accepted.body.role, 'viewer');
  assert.equal(accepted.body.user.email, 'new@example.com');
  // Signed in by accepting: the new account reads the site, as a viewer.
  const site = await stranger.call('GET', `/sites/${cliSite.id}`);
  assert.equal(site.status, 200);
  assert.equal(site.body.site.role, 'viewer');
  assert.equal((await stranger.call('PATCH', `/sites/${cliSite.id}`, { name: 'x' })).status, 403);
  const again = new DashboardClient(server);
  await again.call('GET', '/session');
  assert.equal((await again.call('POST', `/invites/${made.body.token}/accept`, { password })).status, 404);
  assert.equal((await again.call('GET', `/invites/${made.body.token}`)).status, 404);
  // The site, unclaimed before, is now the first account's explicitly: still its owner.
  const roles = (await first.call('GET', `/sites/${cliSite.id}/members`)).body.members.map(
    (m: { email: string; role: string }) => `${m.email} ${m.role}`,
  );
  assert.deepEqual(roles, ['first@example.com owner', 'new@example.com viewer']);
});

test('an invitation for an existing account: only that account, signed in, may accept it', async () => {
  const { token } = await invite('second@example.com', 'admin');
  const anonymous = new DashboardClient(server);
  await anonymous.call('GET', '/session');
  assert.equal((await anonymous.call('GET', `/invites/${token}`)).body.account_exists, true);
  const noSession = await anonymous.call('POST', `/invites/${token}/accept`, {
    password: 'whatever-long-enough',
  });
  assert.equal(noSession.status, 401);
  assert.equal(noSession.body.error.code, 'NOT_SIGNED_IN');
  const other = await signedIn('new@example.com');
  const wrong = await other.call('POST', `/invites/${token}/accept`, {});
  assert.equal(wrong.status, 403);
  assert.equal(wrong.body.error.code, 'INVITE_FOR_ANOTHER_EMAIL');
  const second = await signedIn('second@example.com');
  const right = await second.call('POST', `/invites/${token}/accept`, {});
  assert.equal(right.status, 200);
  assert.equal((await second.call('GET', `/sites/${cliSite.id}`)).body.site.role, 'admin');
});

test('an invitation lasts 7 days; a revoked one is gone; a member cannot be invited twice', async () => {
  const late = await invite('late@example.com');
  const revoked = await invite('revoked@example.com');
  const member = await first.call('POST', `/sites/${cliSite.id}/invites`, { email: 'second@example.com' });
  assert.equal(member.status, 400);
  assert.equal(member.body.error.fields[0].field, 'email');
  assert.equal((await first.call('DELETE', `/sites/${cliSite.id}/invites/${revoked.id}`, {})).status, 200);
  const anonymous = new DashboardClient(server);
  await anonymous.call('GET', '/session');
  assert.equal((await anonymous.call('GET', `/invites/${revoked.token}`)).status, 404);
  server.clock.advance(7 * 86_400_000 - 1);
  assert.equal((await anonymous.call('GET', `/invites/${late.token}`)).status, 200, 'just inside 7 days');
  server.clock.advance(1);
  assert.equal((await anonymous.call('GET', `/invites/${late.token}`)).status, 404);
  assert.equal((await anonymous.call('POST', `/invites/${late.token}/accept`, { password })).status, 404);
});

test('removing a member ends their access from their next request', async () => {
  const viewer = await signedIn('new@example.com');
  assert.equal((await viewer.call('GET', `/sites/${cliSite.id}`)).status, 200);
  const members = (await first.call('GET', `/sites/${cliSite.id}/members`)).body.members;
  const id = members.find((m: { email: string }) => m.email === 'new@example.com').user_id;
  assert.equal((await first.call('DELETE', `/sites/${cliSite.id}/members/${id}`, {})).status, 200);
  assert.equal((await viewer.call('GET', `/sites/${cliSite.id}`)).status, 404);
  assert.equal(
    (await viewer.call('POST', `/sites/${cliSite.id}/query`, { metrics: ['visitors'], date_range: 'today' }))
      .status,
    404,
  );
});

test('the last owner can neither leave nor be demoted; another member may leave', async () => {
  const members = (await first.call('GET', `/sites/${cliSite.id}/members`)).body.members;
  const idOf = (email: string) => members.find((m: { email: string }) => m.email === email).user_id;
  const leave = await first.call('DELETE', `/sites/${cliSite.id}/members/${idOf('first@example.com')}`, {});
  assert.equal(leave.status, 409);
  assert.equal(leave.body.error.code, 'LAST_OWNER');
  const demote = await first.call('PATCH', `/sites/${cliSite.id}/members/${idOf('first@example.com')}`, {
    role: 'admin',
  });
  assert.equal(demote.status, 409);
  const second = await signedIn('second@example.com');
  // An admin may not remove the owner, but may leave.
  assert.equal(
    (await second.call('DELETE', `/sites/${cliSite.id}/members/${idOf('first@example.com')}`, {})).status,
    403,
  );
  assert.equal(
    (await second.call('DELETE', `/sites/${cliSite.id}/members/${idOf('second@example.com')}`, {})).status,
    200,
  );
  assert.equal((await second.call('GET', `/sites/${cliSite.id}`)).status, 404);
  assert.equal((await first.call('GET', `/sites/${cliSite.id}`)).body.site.role, 'owner');
});

test('deleting an account: a site with another owner stays; one it alone owns goes, viewers or not', async () => {
  const accounts = server.runtime.accounts;
  const solo = await accounts.createUser('solo@example.com', password);
  const viewer = await accounts.createUser('watcher@example.com', password);
  const partner = await accounts.createUser('partner@example.com', password);
  const client = await signedIn('solo@example.com');
  const alone = (await client.call('POST', '/sites', { domain: 'alone.example' })).body.site;
  const together = (await client.call('POST', '/sites', { domain: 'together.example' })).body.site;
  assert.equal(await server.runtime.members.add(alone.id, viewer.id, 'viewer'), 'ok');
  assert.equal(await server.runtime.members.add(together.id, viewer.id, 'admin'), 'ok');
  assert.equal(await server.runtime.members.add(together.id, partner.id, 'owner'), 'ok');
  const deleted = await client.call('DELETE', '/account', { password });
  assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
  assert.deepEqual(
    deleted.body.deleted_sites.map((s: { domain: string }) => s.domain),
    ['alone.example'],
  );
  assert.deepEqual(
    deleted.body.kept_sites.map((s: { domain: string }) => s.domain),
    ['together.example'],
  );
  assert.equal(await accounts.userWithEmail('solo@example.com'), undefined);
  const roles = (await server.runtime.members.list(together.id)).map((m) => `${m.email} ${m.role}`);
  assert.deepEqual(roles, ['partner@example.com owner', 'watcher@example.com admin']);
  assert.equal(solo.email, 'solo@example.com');
});
