import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { dashboardTestConfig } from './dashboard-helpers.ts';
import { DashboardClient } from './support/dashboard-client.ts';
import {
  postEvent,
  readTestResponse,
  serverDefaults,
  startTestServer,
  type TestResponse,
  type TestServer,
} from './support/test-server.ts';

// Shared links over HTTP against a real server and DuckDB file: made by the owner (token shown
// once, stored hashed), read by anyone holding the link (one site only, reads only, the link's
// panels only), refused after revocation with the very answer of a token never made, guarded by
// a password with limited attempts, a budget per link, and answers cached for a few seconds.
// Traffic (counted by hand): shop.example has 3 visitors (ann, bob, cat) today; other.example 1.

const password = 'correct horse battery staple';
let server: TestServer;
let owner: DashboardClient;
let shop: { id: string; tracking_code: string };
let other: { id: string; tracking_code: string };

async function visit(code: string, user: string, path = '/') {
  const response = await postEvent(server, code, {
    ...serverDefaults,
    session_id: `srv-${user}-visit`,
    user_id: user,
    url: `https://site.example${path}`,
  });
  assert.equal(response.status, 202, JSON.stringify(response.body));
}

/** A request to the shared view API, as a stranger's browser would send it (no session). */
async function share(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  const response = await fetch(`${server.url}/api/share/${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return readTestResponse(response);
}

const visitorsToday = { metrics: ['visitors'], date_range: 'today' };

async function makeLink(body: Record<string, unknown>): Promise<{ token: string; id: string }> {
  const created = await owner.call('POST', `/sites/${shop.id}/shared-links`, body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { token: created.body.token, id: created.body.link.id };
}

before(async () => {
  server = await startTestServer({ config: dashboardTestConfig });
  owner = new DashboardClient(server);
  await owner.call('GET', '/session');
  assert.equal((await owner.call('POST', '/setup', { email: 'owner@example.com', password })).status, 200);
  shop = (await owner.call('POST', '/sites', { domain: 'shop.example', timezone: 'UTC' })).body.site;
  other = (await owner.call('POST', '/sites', { domain: 'other.example', timezone: 'UTC' })).body.site;
  for (const user of ['ann', 'bob', 'cat']) await visit(shop.tracking_code, user);
  await visit(other.tracking_code, 'dan');
  await server.runtime.eventsLoaded();
});

after(async () => server?.stop());

describe('making and listing links', () => {
  test('the token is 256 random bits shown once; only its SHA-256 is stored', async () => {
    const created = await owner.call('POST', `/sites/${shop.id}/shared-links`, { name: 'Investors' });
    assert.equal(created.status, 201);
    const token: string = created.body.token;
    assert.match(token, /^zvs_[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(token.slice(4), 'base64url').length, 32);
    assert.equal(created.body.path, `/share/${token}`);
    assert.deepEqual(Object.keys(created.body.link).sort(), [
      'created_at',
      'id',
      'name',
      'panels',
      'password_protected',
    ]);
    const listed = await owner.call('GET', `/sites/${shop.id}/shared-links`);
    assert.equal(listed.status, 200);
    assert.equal(JSON.stringify(listed.body).includes(token), false, 'the list never shows a token');
    assert.deepEqual(
      listed.body.links.map((link: { name: string }) => link.name),
      ['Investors'],
    );
    const connection = await server.runtime.duckdb.connect();
    try {
      const rows = (await connection.runAndReadAll('SELECT * FROM shared_links')).getRowObjectsJS();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.token_hash, createHash('sha256').update(token).digest('hex'));
      assert.equal(JSON.stringify(rows).includes(token.slice(4)), false, 'the token itself is nowhere');
    } finally {
      connection.closeSync();
    }
  });

  test('names, passwords and panels are checked; strangers cannot list or make links', async () => {
    const noName = await owner.call('POST', `/sites/${shop.id}/shared-links`, { name: ' ' });
    assert.equal(noName.status, 400);
    assert.equal(noName.body.error.fields[0].field, 'name');
    const short = await owner.call('POST', `/sites/${shop.id}/shared-links`, {
      name: 'x',
      password: 'short',
    });
    assert.equal(short.body.error.fields[0].field, 'password');
    const panels = await owner.call('POST', `/sites/${shop.id}/shared-links`, {
      name: 'x',
      panels: ['settings'],
    });
    assert.equal(panels.body.error.fields[0].field, 'panels');
    const stranger = new DashboardClient(server);
    assert.equal((await stranger.call('GET', `/sites/${shop.id}/shared-links`)).status, 401);
    assert.equal((await owner.call('GET', '/sites/no-such-site/shared-links')).status, 404);
  });
});

describe('reading through a link', () => {
  let link: { token: string; id: string };
  before(async () => {
    link = await makeLink({ name: 'Everything' });
  });

  test('anyone with the link reads the site and its numbers, without a session', async () => {
    const info = await share('GET', link.token);
    assert.equal(info.status, 200);
    assert.deepEqual(info.body.site, {
      id: shop.id,
      domain: 'shop.example',
      name: 'shop.example',
      timezone: 'UTC',
      created_at: '2026-03-10T12:00:00.000Z',
    });
    assert.equal(info.body.panels, null);
    const answer = await share('POST', `${link.token}/sites/${shop.id}/query`, visitorsToday);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.results[0].metrics[0], 3);
  });

  test('another site cannot be read by changing ids', async () => {
    const unknown = await share('POST', `zvs_${'A'.repeat(43)}/sites/${shop.id}/query`, visitorsToday);
    const otherId = await share('POST', `${link.token}/sites/${other.id}/query`, visitorsToday);
    assert.equal(otherId.status, 404);
    assert.deepEqual(otherId.body, unknown.body);
    assert.equal((await share('GET', `${link.token}/sites/${other.id}`)).status, 404);
    const bodyNamesOther = await share('POST', `${link.token}/sites/${shop.id}/query`, {
      ...visitorsToday,
      site_id: other.id,
    });
    assert.equal(bodyNamesOther.status, 200);
    assert.equal(bodyNamesOther.body.results[0].metrics[0], 3, 'still the link’s own site (other has 1)');
  });

  test('no write route, no settings, no keys: only reads exist behind a link', async () => {
    const base = `${link.token}/sites/${shop.id}`;
    for (const [method, path] of [
      ['POST', `${base}/goals`],
      ['DELETE', `${base}/goals/g_1`],
      ['POST', `${base}/funnels`],
      ['GET', `${base}/keys`],
      ['POST', `${base}/keys`],
      ['GET', `${base}/proxy-keys`],
      ['GET', `${base}/shared-links`],
      ['POST', `${base}/shared-links`],
      ['PATCH', base],
      ['DELETE', base],
      ['PUT', `${base}/public`],
    ] as const) {
      const answer = await share(method, path, method === 'GET' ? undefined : {});
      assert.equal(answer.status, 404, `${method} ${path}`);
    }
    // The signed-in dashboard's own routes still need a session, whoever holds a link.
    const stranger = new DashboardClient(server);
    assert.equal((await stranger.call('GET', `/sites/${shop.id}`)).status, 401);
  });

  test('a revoked link answers exactly like a token never made, at once', async () => {
    const doomed = await makeLink({ name: 'Doomed' });
    assert.equal((await share('GET', doomed.token)).status, 200);
    const revoked = await owner.call('DELETE', `/sites/${shop.id}/shared-links/${doomed.id}`, {});
    assert.equal(revoked.status, 200);
    const never = `zvs_${'B'.repeat(43)}`;
    for (const suffix of ['', `/sites/${shop.id}`, `/sites/${shop.id}/live`]) {
      const gone = await share('GET', `${doomed.token}${suffix}`);
      const made = await share('GET', `${never}${suffix}`);
      assert.equal(gone.status, 404);
      assert.deepEqual(gone.body, made.body);
    }
    const query = await share('POST', `${doomed.token}/sites/${shop.id}/query`, visitorsToday);
    assert.equal(query.status, 404, 'even an answer cached a moment ago is not served');
    assert.equal((await owner.call('DELETE', `/sites/${shop.id}/shared-links/${doomed.id}`, {})).status, 404);
  });

  test('answers of the same view are cached for 10 s, then asked again', async () => {
    const fresh = await makeLink({ name: 'Cache' });
    const ask = async () =>
      (await share('POST', `${fresh.token}/sites/${shop.id}/query`, visitorsToday)).body.results[0]
        .metrics[0];
    assert.equal(await ask(), 3);
    await visit(shop.tracking_code, 'eve');
    await server.runtime.eventsLoaded();
    server.clock.advance(9_000);
    assert.equal(await ask(), 3, 'within 10 s: the cached answer');
    server.clock.advance(1_000);
    assert.equal(await ask(), 4, 'after 10 s: asked again, eve counted');
  });
});

describe('limits', () => {
  test('a link limited to panels answers only those panels’ questions', async () => {
    const sources = await makeLink({ name: 'Sources only', panels: ['sources'] });
    const base = `${sources.token}/sites/${shop.id}`;
    assert.deepEqual((await share('GET', sources.token)).body.panels, ['sources']);
    const bySource = await share('POST', `${base}/query`, { ...visitorsToday, dimensions: ['visit:source'] });
    assert.equal(bySource.status, 200);
    for (const hidden of [
      { dimensions: ['visit:country'] },
      { dimensions: ['event:page'] },
      { filters: [['is', 'visit:country', ['US']]] },
      { filters: [['not', ['is', 'visit:browser', ['Firefox']]]] },
    ]) {
      const refused = await share('POST', `${base}/query`, { ...visitorsToday, ...hidden });
      assert.equal(refused.status, 403, JSON.stringify(hidden));
      assert.equal(refused.body.error.code, 'PANEL_NOT_SHARED');
    }
    assert.equal((await share('POST', `${base}/refusals`, { date_range: 'today' })).status, 403);
    assert.equal(
      (await share('POST', `${base}/property-keys`, { event: 'x', date_range: 'today' })).status,
      403,
    );
    assert.deepEqual((await share('GET', `${base}/goals`)).body, { goals: [] });
    const pages = await makeLink({ name: 'Pages', panels: ['pages'] });
    const topPages = await share('POST', `${pages.token}/sites/${shop.id}/query`, {
      ...visitorsToday,
      dimensions: ['event:page'],
      filters: [['is', 'event:name', ['pageview']]],
    });
    assert.equal(topPages.status, 200, 'the pages panel’s own pageview filter needs no events panel');
  });

  test('a funnels-only link: saved funnels only, and their filters follow the panels too', async () => {
    const steps = [
      { type: 'page', page_path: '/' },
      { type: 'page', page_path: '/pricing' },
    ];
    const saved = await owner.call('POST', `/sites/${shop.id}/funnels`, { name: 'Signup', steps });
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    const link = await makeLink({ name: 'Funnels', panels: ['funnels'] });
    const ask = (body: Record<string, unknown>) =>
      share('POST', `${link.token}/sites/${shop.id}/funnel`, { date_range: 'today', ...body });
    const plain = await ask({ funnel_id: saved.body.funnel.id });
    assert.equal(plain.status, 200, JSON.stringify(plain.body));
    const filtered = await ask({
      funnel_id: saved.body.funnel.id,
      filters: [['is', 'visit:country', ['US']]],
    });
    assert.equal(filtered.status, 403);
    assert.equal(filtered.body.error.code, 'PANEL_NOT_SHARED');
    const adHoc = await ask({ steps });
    assert.equal(adHoc.status, 400);
    assert.equal(adHoc.body.error.fields[0].field, 'funnel_id');
    const listed = await share('GET', `${link.token}/sites/${shop.id}/funnels`);
    assert.deepEqual(
      listed.body.funnels.map((f: { name: string }) => f.name),
      ['Signup'],
    );
  });

  test('a password-protected link: locked, wrong passwords limited, unlocked for a day', async () => {
    const locked = await makeLink({ name: 'Board', password: 'board-secret-42' });
    const from = (address: string) => ({ 'x-forwarded-for': address });
    const first = await share('GET', locked.token);
    assert.equal(first.status, 401);
    assert.equal(first.body.error.code, 'SHARE_PASSWORD_REQUIRED');
    assert.equal(JSON.stringify(first.body).includes('shop.example'), false, 'nothing of the site before');
    assert.equal((await share('POST', `${locked.token}/sites/${shop.id}/query`, visitorsToday)).status, 401);
    for (let i = 0; i < 10; i++) {
      const wrong = await share(
        'POST',
        `${locked.token}/unlock`,
        { password: `guess-${i}` },
        from('198.51.100.7'),
      );
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error.code, 'SHARE_PASSWORD_WRONG');
    }
    const limited = await share(
      'POST',
      `${locked.token}/unlock`,
      { password: 'board-secret-42' },
      from('198.51.100.7'),
    );
    assert.equal(limited.status, 429, 'the 11th attempt from that address is refused, right or not');
    assert.equal(limited.body.error.code, 'SHARE_PASSWORD_RATE_LIMITED');
    assert.equal(limited.headers.get('retry-after'), '900');
    const right = await share(
      'POST',
      `${locked.token}/unlock`,
      { password: 'board-secret-42' },
      from('203.0.113.9'),
    );
    assert.equal(right.status, 200, 'another address is not locked out');
    const cookie = right.headers.getSetCookie()[0] ?? '';
    assert.match(cookie, /^zv_share_unlock=/);
    assert.match(cookie, new RegExp(`Path=/api/share/${locked.token}`));
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const grant = { cookie: cookie.split(';')[0]! };
    const open = await share('POST', `${locked.token}/sites/${shop.id}/query`, visitorsToday, grant);
    assert.equal(open.status, 200);
    const forged = { cookie: `zv_share_unlock=${String(Date.parse('2027-01-01'))}.${'A'.repeat(43)}` };
    assert.equal((await share('GET', locked.token, undefined, forged)).status, 401);
    server.clock.advance(24 * 3_600_000);
    assert.equal(
      (await share('GET', locked.token, undefined, grant)).status,
      401,
      'a day later: locked again',
    );
  });

  test('each link has its own budget of 600 requests a minute', async () => {
    const busy = await makeLink({ name: 'Busy' });
    const calm = await makeLink({ name: 'Calm' });
    for (let i = 0; i < 600; i++) {
      const answer = await fetch(`${server.url}/api/share/${busy.token}/sites/${shop.id}/live`);
      assert.equal(answer.status, 200, `request ${i + 1}`);
      await answer.arrayBuffer();
    }
    const refused = await share('GET', `${busy.token}/sites/${shop.id}/live`);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'SHARE_RATE_LIMITED');
    assert.equal(refused.headers.get('retry-after'), '60');
    assert.equal(
      (await share('GET', `${calm.token}/sites/${shop.id}/live`)).status,
      200,
      'other links unaffected',
    );
    server.clock.advance(60_000);
    assert.equal((await share('GET', `${busy.token}/sites/${shop.id}/live`)).status, 200);
  });
});

describe('a public site at /<domain>', () => {
  test('made public it opens at /shop.example; made private again it is a 404 like any path', async () => {
    const never = await fetch(`${server.url}/never.example`);
    assert.equal(never.status, 404);
    const neverBody = await never.json();
    assert.equal((await fetch(`${server.url}/shop.example`)).status, 404);
    const on = await owner.call('PUT', `/sites/${shop.id}/public`, { public: true });
    assert.deepEqual(on.body, { public: true, public_path: '/shop.example' });
    const page = await fetch(`${server.url}/shop.example`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const info = await share('GET', 'shop.example');
    assert.equal(info.status, 200);
    assert.equal(info.body.site.id, shop.id);
    assert.equal((await share('GET', 'other.example')).status, 404, 'only the site made public');
    assert.equal((await owner.call('PUT', `/sites/${shop.id}/public`, { public: false })).status, 200);
    const off = await fetch(`${server.url}/shop.example`);
    assert.equal(off.status, 404);
    assert.deepEqual(await off.json(), neverBody);
    assert.equal((await share('GET', 'shop.example')).status, 404);
  });
});
