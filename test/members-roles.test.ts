import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DashboardClient } from './support/dashboard-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

// Every dashboard route of a site × every role: one site per role, made by its owner, with the
// tested account as owner, admin, viewer, or no member at all (a stranger). The table below is the
// rule, written out by hand: viewers read, admins also change settings, goals, funnels, keys and
// shared links, owners also manage members and delete the site; a stranger learns nothing (404).
// A refused request changes nothing: the role is checked before the route does anything.

const password = 'correct horse battery staple';
type Role = 'owner' | 'admin' | 'viewer' | 'stranger';
const roles: Role[] = ['owner', 'admin', 'viewer', 'stranger'];

/** What the owner made on each site beforehand, for the routes that name something. */
interface Fixture {
  siteId: string;
  domain: string;
  keyPrefix: string;
  proxyKeyPrefix: string;
  goalToRename: string;
  goalToDelete: string;
  funnelId: string;
  linkId: string;
  inviteId: string;
  memberToChange: string;
  memberToRemove: string;
}

interface Row {
  readonly method: string;
  readonly path: (f: Fixture) => string;
  readonly body?: (f: Fixture, role: Role) => unknown;
  readonly expect: Readonly<Record<Role, number>>;
}

const read = { owner: 200, admin: 200, viewer: 200, stranger: 404 } as const;
const admin = { owner: 200, admin: 200, viewer: 403, stranger: 404 } as const;
const adminMakes = { owner: 201, admin: 201, viewer: 403, stranger: 404 } as const;
const owner = { owner: 200, admin: 403, viewer: 403, stranger: 404 } as const;
const ownerMakes = { owner: 201, admin: 403, viewer: 403, stranger: 404 } as const;
const site = (f: Fixture) => `/sites/${f.siteId}`;
const today = { date_range: 'today' };
const twoPages = [
  { type: 'page', page_path: '/' },
  { type: 'page', page_path: '/pricing' },
];

/** In order: the site's deletion comes last. */
const table: Row[] = [
  { method: 'GET', path: site, expect: read },
  {
    method: 'POST',
    path: (f) => `${site(f)}/query`,
    body: () => ({ metrics: ['visitors'], ...today }),
    expect: read,
  },
  { method: 'GET', path: (f) => `${site(f)}/live`, expect: read },
  { method: 'POST', path: (f) => `${site(f)}/refusals`, body: () => today, expect: read },
  {
    method: 'POST',
    path: (f) => `${site(f)}/property-keys`,
    body: () => ({ event: 'signup', ...today }),
    expect: read,
  },
  { method: 'GET', path: (f) => `${site(f)}/goals`, expect: read },
  { method: 'GET', path: (f) => `${site(f)}/funnels`, expect: read },
  {
    method: 'POST',
    path: (f) => `${site(f)}/funnel`,
    body: () => ({ steps: twoPages, ...today }),
    expect: read,
  },
  { method: 'GET', path: (f) => `${site(f)}/reports`, expect: read },
  // Every member may subscribe their own address to a report (opt in).
  {
    method: 'POST',
    path: (f) => `${site(f)}/reports`,
    body: () => ({ frequency: 'weekly' }),
    expect: { owner: 201, admin: 201, viewer: 201, stranger: 404 },
  },
  {
    method: 'POST',
    path: (f) => `${site(f)}/reports`,
    body: () => ({ email: 'someone-else@example.com', frequency: 'monthly' }),
    expect: ownerMakes,
  },
  { method: 'PATCH', path: site, body: () => ({ name: 'Renamed' }), expect: admin },
  { method: 'GET', path: (f) => `${site(f)}/keys`, expect: admin },
  { method: 'POST', path: (f) => `${site(f)}/keys`, body: () => ({ name: 'k' }), expect: adminMakes },
  { method: 'DELETE', path: (f) => `${site(f)}/keys/${f.keyPrefix}`, body: () => ({}), expect: admin },
  { method: 'GET', path: (f) => `${site(f)}/proxy-keys`, expect: admin },
  { method: 'POST', path: (f) => `${site(f)}/proxy-keys`, body: () => ({ name: 'p' }), expect: adminMakes },
  {
    method: 'DELETE',
    path: (f) => `${site(f)}/proxy-keys/${f.proxyKeyPrefix}`,
    body: () => ({}),
    expect: admin,
  },
  {
    method: 'POST',
    path: (f) => `${site(f)}/goals`,
    body: () => ({ type: 'event', name: 'Made', event_name: 'made' }),
    expect: adminMakes,
  },
  {
    method: 'PATCH',
    path: (f) => `${site(f)}/goals/${f.goalToRename}`,
    body: () => ({ name: 'Renamed goal' }),
    expect: admin,
  },
  { method: 'DELETE', path: (f) => `${site(f)}/goals/${f.goalToDelete}`, body: () => ({}), expect: admin },
  {
    method: 'POST',
    path: (f) => `${site(f)}/funnels`,
    body: () => ({ name: 'Made', steps: twoPages }),
    expect: adminMakes,
  },
  { method: 'DELETE', path: (f) => `${site(f)}/funnels/${f.funnelId}`, body: () => ({}), expect: admin },
  { method: 'GET', path: (f) => `${site(f)}/shared-links`, expect: admin },
  {
    method: 'POST',
    path: (f) => `${site(f)}/shared-links`,
    body: () => ({ name: 'Made' }),
    expect: adminMakes,
  },
  { method: 'DELETE', path: (f) => `${site(f)}/shared-links/${f.linkId}`, body: () => ({}), expect: admin },
  { method: 'PUT', path: (f) => `${site(f)}/public`, body: () => ({ public: true }), expect: admin },
  { method: 'GET', path: (f) => `${site(f)}/members`, expect: admin },
  {
    method: 'POST',
    path: (f) => `${site(f)}/invites`,
    body: (_f, role) => ({ email: `invited-by-${role}@example.com`, role: 'viewer' }),
    expect: ownerMakes,
  },
  { method: 'DELETE', path: (f) => `${site(f)}/invites/${f.inviteId}`, body: () => ({}), expect: owner },
  {
    method: 'PATCH',
    path: (f) => `${site(f)}/members/${f.memberToChange}`,
    body: () => ({ role: 'admin' }),
    expect: owner,
  },
  {
    method: 'DELETE',
    path: (f) => `${site(f)}/members/${f.memberToRemove}`,
    body: () => ({}),
    expect: owner,
  },
  { method: 'DELETE', path: site, body: (f) => ({ confirm_domain: f.domain }), expect: owner },
];

let server: TestServer;
let boss: DashboardClient;
const testers = new Map<Role, DashboardClient>();
const fixtures = new Map<Role, Fixture>();

async function signedIn(email: string): Promise<DashboardClient> {
  const client = new DashboardClient(server);
  const answer = await client.signIn(email, password);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return client;
}

async function made(client: DashboardClient, path: string, body: unknown) {
  const answer = await client.call('POST', path, body);
  assert.equal(answer.status, 201, `${path}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

before(async () => {
  server = await startTestServer();
  const accounts = server.runtime.accounts;
  await accounts.createUser('boss@example.com', password);
  boss = await signedIn('boss@example.com');
  for (const role of roles) {
    const tester = await accounts.createUser(`${role}@example.com`, password);
    testers.set(role, await signedIn(`${role}@example.com`));
    const domain = `${role}.example`;
    const siteId: string = (await made(boss, '/sites', { domain, timezone: 'UTC' })).site.id;
    if (role !== 'stranger') assert.equal(await server.runtime.members.add(siteId, tester.id, role), 'ok');
    const extras: string[] = [];
    for (const n of [1, 2]) {
      const extra = await accounts.createUser(`extra${n}-${role}@example.com`, password);
      assert.equal(await server.runtime.members.add(siteId, extra.id, 'viewer'), 'ok');
      extras.push(extra.id);
    }
    const goal = (name: string) =>
      made(boss, `/sites/${siteId}/goals`, { type: 'event', name, event_name: name });
    fixtures.set(role, {
      siteId,
      domain,
      keyPrefix: (await made(boss, `/sites/${siteId}/keys`, { name: 'old' })).record.prefix,
      proxyKeyPrefix: (await made(boss, `/sites/${siteId}/proxy-keys`, { name: 'old' })).record.prefix,
      goalToRename: (await goal('rename-me')).goal.id,
      goalToDelete: (await goal('delete-me')).goal.id,
      funnelId: (await made(boss, `/sites/${siteId}/funnels`, { name: 'Old', steps: twoPages })).funnel.id,
      linkId: (await made(boss, `/sites/${siteId}/shared-links`, { name: 'Old' })).link.id,
      inviteId: (await made(boss, `/sites/${siteId}/invites`, { email: 'pending@example.com' })).invite.id,
      memberToChange: extras[0]!,
      memberToRemove: extras[1]!,
    });
  }
});

after(async () => server?.stop());

describe('each route × each role', () => {
  for (const role of roles) {
    test(`as ${role}`, async () => {
      const client = testers.get(role)!;
      const fixture = fixtures.get(role)!;
      for (const row of table) {
        const path = row.path(fixture);
        const answer = await client.call(row.method, path, row.body?.(fixture, role));
        const expected = row.expect[role];
        assert.equal(
          answer.status,
          expected,
          `${role}: ${row.method} ${path} → ${JSON.stringify(answer.body)}`,
        );
        if (expected === 403) assert.equal(answer.body.error.code, 'ROLE_FORBIDDEN');
        if (expected === 404) assert.equal(answer.body.error.code, 'NOT_FOUND');
      }
    });
  }

  test('refused requests changed nothing', async () => {
    for (const role of ['viewer', 'stranger'] as const) {
      const { siteId, goalToDelete, linkId } = fixtures.get(role)!;
      const goals = (await boss.call('GET', `/sites/${siteId}/goals`)).body.goals;
      assert.deepEqual(
        goals.map((g: { name: string }) => g.name).sort(),
        ['delete-me', 'rename-me'],
        `${role}: goals as the owner left them`,
      );
      assert.ok(goals.some((g: { id: string }) => g.id === goalToDelete));
      const links = (await boss.call('GET', `/sites/${siteId}/shared-links`)).body.links;
      assert.deepEqual(
        links.map((l: { id: string }) => l.id),
        [linkId],
      );
      const members = (await boss.call('GET', `/sites/${siteId}/members`)).body.members;
      assert.equal(members.length, role === 'viewer' ? 4 : 3, 'boss, the extras, and the viewer');
      assert.equal((await boss.call('GET', `/sites/${siteId}`)).body.site.name, `${role}.example`);
    }
  });

  test('the sites list gives each site with the caller’s role; a stranger does not see it', async () => {
    // The owner deleted their site at the end of the table; the admin and the viewer could not.
    const expected: Record<Role, string[]> = {
      owner: [],
      admin: ['admin.example admin'],
      viewer: ['viewer.example viewer'],
      stranger: [],
    };
    for (const role of roles) {
      const listed = (await testers.get(role)!.call('GET', '/sites')).body.sites;
      const domains = listed.map((s: { domain: string; role: string }) => `${s.domain} ${s.role}`);
      assert.deepEqual(domains, expected[role], role);
    }
  });
});
