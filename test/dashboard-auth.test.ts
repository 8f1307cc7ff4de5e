import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startAdminServer } from '../packages/server/src/admin/admin-server.ts';
import { runCli } from '../packages/server/src/cli/main.ts';
import { createLogger } from '../packages/server/src/log.ts';
import { dashboardTestConfig } from './dashboard-helpers.ts';
import { DashboardClient } from './support/dashboard-client.ts';
import { requestFrom } from './support/http-from.ts';
import { addSite, startTestServer, type TestServer, tempDataDir } from './support/test-server.ts';

const password = 'correct horse battery staple';

/** The dashboard client, signing in with this file's password unless told another. */
class Client extends DashboardClient {
  override signIn(email: string, secret = password) {
    return super.signIn(email, secret);
  }
}

let server: TestServer;
let owner: Client;

before(async () => {
  server = await startTestServer({ config: dashboardTestConfig });
  owner = new Client(server);
  const probe = await owner.call('GET', '/session');
  assert.deepEqual(
    { user: probe.body.user, setup_needed: probe.body.setup_needed },
    { user: null, setup_needed: true },
  );
  const setup = await owner.call('POST', '/setup', { email: 'Owner@Example.com', password });
  assert.equal(setup.status, 200);
  assert.equal(setup.body.user.email, 'owner@example.com');
});

after(async () => {
  await server?.stop();
});

test('setup works once; the session cookie is HttpOnly, SameSite=Lax, and Secure only behind https', async () => {
  const cookie = owner.cookies.get('zv_session');
  assert.ok(cookie && cookie.length >= 43);
  const again = await new Client(server).call('GET', '/session');
  assert.equal(again.body.setup_needed, false);
  const late = new Client(server);
  await late.call('GET', '/session');
  const refused = await late.call('POST', '/setup', { email: 'late@example.com', password });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.code, 'SETUP_ALREADY_DONE');

  const plain = await new Client(server).signIn('owner@example.com');
  const session = plain.setCookies.find((c) => c.startsWith('zv_session='))!;
  assert.match(session, /; HttpOnly/);
  assert.match(session, /; SameSite=Lax/);
  assert.doesNotMatch(session, /Secure/);

  const viaProxy = await new Client(server, { 'x-forwarded-proto': 'https' }).signIn('owner@example.com');
  assert.match(viaProxy.setCookies.find((c) => c.startsWith('zv_session='))!, /; Secure/);

  // From an address that is not a trusted proxy, X-Forwarded-Proto is not believed.
  const probe = await requestFrom(server, {
    method: 'GET',
    path: '/api/dashboard/session',
    localAddress: '127.0.0.2',
  });
  const csrfCookie = String(probe.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
  const untrusted = await requestFrom(server, {
    path: '/api/dashboard/login',
    localAddress: '127.0.0.2',
    body: { email: 'owner@example.com', password },
    headers: { 'x-forwarded-proto': 'https', 'x-csrf-token': probe.body.csrf_token, cookie: csrfCookie },
  });
  assert.equal(untrusted.status, 200);
  assert.doesNotMatch(String(untrusted.headers['set-cookie']), /Secure/);
});

test('a wrong password or unknown email is refused alike, with no session', async () => {
  for (const [email, secret] of [
    ['owner@example.com', 'not the password'],
    ['nobody@example.com', password],
  ] as const) {
    const client = new Client(server, { 'x-forwarded-for': '203.0.113.50' });
    const result = await client.signIn(email, secret);
    assert.equal(result.status, 401);
    assert.equal(result.body.error.code, 'LOGIN_FAILED');
    assert.ok(!result.setCookies.some((c) => c.startsWith('zv_session=')));
    assert.equal((await client.call('GET', '/sites')).status, 401);
  }
});

test('every state-changing request needs the CSRF token and a same-origin Origin', async () => {
  const client = new Client(server);
  await client.signIn('owner@example.com');
  const token = client.csrf;
  const attempts: Record<string, string>[] = [
    { 'x-csrf-token': '' },
    { 'x-csrf-token': 'A'.repeat(43) },
    { 'x-csrf-token': token, origin: 'https://evil.example' },
  ];
  for (const headers of attempts) {
    const refused = await client.call('POST', '/sites', { domain: 'csrf.example' }, headers);
    assert.equal(refused.status, 403, JSON.stringify(headers));
    assert.equal(refused.body.error.code, 'CSRF_TOKEN_INVALID');
  }
  const noHeader = await fetch(`${server.url}/api/dashboard/sites`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `zv_session=${client.cookies.get('zv_session')}` },
    body: JSON.stringify({ domain: 'csrf.example' }),
  });
  assert.equal(noHeader.status, 403);
  // Another session's token does not work either: tokens are bound to their session.
  assert.equal(
    (await client.call('POST', '/sites', { domain: 'csrf.example' }, { 'x-csrf-token': owner.csrf })).status,
    403,
  );
  // Sign-in itself needs the pre-session double-submit token.
  const anonymous = new Client(server);
  await anonymous.call('GET', '/session');
  assert.equal(
    (await anonymous.call('POST', '/login', { email: 'owner@example.com', password }, { 'x-csrf-token': '' }))
      .status,
    403,
  );
  assert.equal((await client.call('GET', '/sites')).status, 200, 'reads need no token');
  const created = await client.call('POST', '/sites', { domain: 'csrf.example', timezone: 'Europe/Berlin' });
  assert.equal(created.status, 201);
  assert.equal(created.body.site.timezone, 'Europe/Berlin');
});

test('sessions expire after 14 days (injected clock) and on sign-out', async () => {
  const client = new Client(server);
  await client.signIn('owner@example.com');
  server.clock.advance(13 * 86_400_000);
  assert.equal((await client.call('GET', '/sites')).status, 200);
  server.clock.advance(86_400_000);
  const expired = await client.call('GET', '/sites');
  assert.equal(expired.status, 401);
  assert.equal(expired.body.error.code, 'NOT_SIGNED_IN');
  assert.equal((await client.call('GET', '/session')).body.user, null);

  await client.signIn('owner@example.com');
  const stolen = client.cookies.get('zv_session')!;
  assert.equal((await client.call('POST', '/logout')).status, 200);
  const replay = await fetch(`${server.url}/api/dashboard/sites`, {
    headers: { cookie: `zv_session=${stolen}` },
  });
  assert.equal(replay.status, 401, 'a signed-out token is dead');
});

test('sign-in failures are limited per address; a clean address still gets in', async () => {
  await server.runtime.accounts.createUser('limited@example.com', password);
  const attacker = new Client(server, { 'x-forwarded-for': '198.51.100.7' });
  await attacker.call('GET', '/session');
  for (let i = 0; i < 10; i++) {
    assert.equal(
      (await attacker.call('POST', '/login', { email: 'limited@example.com', password: `guess-${i}` }))
        .status,
      401,
    );
  }
  const blocked = await attacker.call('POST', '/login', { email: 'limited@example.com', password });
  assert.equal(blocked.status, 429, 'even the right password waits');
  assert.equal(blocked.body.error.code, 'LOGIN_RATE_LIMITED');
  assert.ok(Number(blocked.headers.get('retry-after')) > 0);
  // The right password from another address, one without failures, is not refused
  // (the full policy is tested in dashboard-sign-in-attack.test.ts).
  const elsewhere = new Client(server, { 'x-forwarded-for': '198.51.100.8' });
  assert.equal((await elsewhere.signIn('limited@example.com')).status, 200);
  // The owner, from a fresh address, is not affected.
  assert.equal(
    (await new Client(server, { 'x-forwarded-for': '198.51.100.9' }).signIn('owner@example.com')).status,
    200,
  );
  server.clock.advance(15 * 60_000);
  assert.equal((await attacker.signIn('limited@example.com')).status, 200);
});

test('a user cannot see or touch another user’s site; CLI-created sites belong to the first user', async () => {
  await owner.signIn('owner@example.com'); // earlier tests moved the clock past its first session
  const mine = (await owner.call('POST', '/sites', { domain: 'owner-only.example' })).body.site;
  const cliSite = await addSite(server, 'from-cli.example');
  await server.runtime.accounts.createUser('other@example.com', password);
  const other = new Client(server);
  assert.equal((await other.signIn('other@example.com')).status, 200);

  const ownerSites = (await owner.call('GET', '/sites')).body.sites.map((s: { id: string }) => s.id);
  assert.ok(ownerSites.includes(mine.id) && ownerSites.includes(cliSite.id));
  assert.deepEqual((await other.call('GET', '/sites')).body.sites, []);

  const query = { date_range: '7d', metrics: ['visitors'] };
  for (const [method, path, body] of [
    ['GET', `/sites/${mine.id}`, undefined],
    ['GET', `/sites/${cliSite.id}`, undefined],
    ['POST', `/sites/${mine.id}/query`, query],
    ['POST', `/sites/${mine.id}/query`, { ...query, site_id: mine.id }],
    ['GET', `/sites/${mine.id}/live`, undefined],
    ['POST', `/sites/${mine.id}/refusals`, { date_range: '7d' }],
    ['POST', `/sites/${mine.id}/property-keys`, { event: 'x', date_range: '7d' }],
    ['GET', `/sites/${mine.id}/keys`, undefined],
    ['POST', `/sites/${mine.id}/keys`, { name: 'steal' }],
    ['PATCH', `/sites/${mine.id}`, { name: 'mine now' }],
    ['DELETE', `/sites/${mine.id}`, { confirm_domain: 'owner-only.example' }],
  ] as const) {
    const result = await other.call(method, path, body);
    assert.equal(result.status, 404, `${method} ${path}`);
    assert.equal(result.body.error.code, 'NOT_FOUND');
  }
  // A query naming another site in its body still reads only the site in the path.
  const ownSite = (await other.call('POST', '/sites', { domain: 'other.example' })).body.site;
  const crossed = await other.call('POST', `/sites/${ownSite.id}/query`, { ...query, site_id: mine.id });
  assert.equal(crossed.status, 200);
  assert.equal(crossed.body.query.site_id, ownSite.id);
  assert.equal((await owner.call('GET', `/sites/${mine.id}`)).body.site.name, 'owner-only.example');
});

test('pages carry a strict CSP; unknown paths are not the app', async () => {
  for (const pathname of ['/', '/login', `/sites/x?f=${encodeURIComponent('<b>')}`]) {
    const response = await fetch(`${server.url}${pathname}`);
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    const html = await response.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  }
  assert.equal((await fetch(`${server.url}/assets/../../package.json`)).status, 404);
  assert.equal((await fetch(`${server.url}/nope`)).status, 404);
});

const execFileAsync = promisify(execFile);
const bin = path.resolve('packages/server/bin/zenovay.mjs');

test('`zenovay users add` prints a generated password (no server) or reads one from stdin (server running)', async () => {
  const dataDir = tempDataDir();
  const lines: string[] = [];
  assert.equal(
    await runCli(['users', 'add', 'cli@example.com'], { ZENOVAY_DATA_DIR: dataDir }, (t) => lines.push(t)),
    0,
  );
  const generated = /password: (\S+)/.exec(lines.join('\n'))?.[1];
  assert.ok(generated && generated.length >= 20, lines.join('\n'));

  const running = await startTestServer({ dataDir });
  const admin = await startAdminServer(running.runtime, createLogger('silent'));
  try {
    assert.equal((await new Client(running).signIn('cli@example.com', generated)).status, 200);
    const child = execFileAsync(
      process.execPath,
      [bin, 'users', 'add', 'piped@example.com', '--password-stdin', '--json'],
      {
        env: { ...process.env, ZENOVAY_DATA_DIR: dataDir },
      },
    );
    child.child.stdin?.end('piped password 123\n');
    const { stdout } = await child;
    const created = JSON.parse(stdout);
    assert.equal(created.email, 'piped@example.com');
    assert.equal(created.password, undefined, 'a piped password is not echoed');
    assert.equal((await new Client(running).signIn('piped@example.com', 'piped password 123')).status, 200);
    const duplicate = execFileAsync(process.execPath, [bin, 'users', 'add', 'piped@example.com'], {
      env: { ...process.env, ZENOVAY_DATA_DIR: dataDir },
    });
    await assert.rejects(duplicate, /An account with this email exists/);
  } finally {
    await admin.close();
    await running.stop();
  }
});
