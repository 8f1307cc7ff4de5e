import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiKeyService } from '../packages/server/src/auth/key-service.ts';
import { apiBase, apiGet, apiRequest, assertApiError, assertApiOk, createKey } from './api-helpers.ts';
import {
  addSite,
  postEvent,
  serverDefaults,
  startTestServer,
  type TestServer,
} from './support/test-server.ts';

describe('REST API authentication and scope', () => {
  let server: TestServer;
  let siteA: Awaited<ReturnType<typeof addSite>>;
  let siteB: Awaited<ReturnType<typeof addSite>>;
  let keyA: string;
  let keyAll: string;

  before(async () => {
    server = await startTestServer({ config: { apiRateLimitPerMinute: 1_000 } });
    siteA = await addSite(server, 'a.example');
    siteB = await addSite(server, 'b.example');
    keyA = await createKey(server, { siteId: siteA.id });
    keyAll = await createKey(server);
    for (const site of [siteA, siteB]) {
      const sent = await postEvent(server, site.trackingCode, {
        ...serverDefaults,
        session_id: `s-${site.domain}`,
        url: `https://${site.domain}/pricing`,
      });
      assert.equal(sent.status, 202);
    }
  });
  after(() => server.stop());

  /** Every endpoint that names a site, for a given site id. */
  const siteEndpoints = (id: string): Array<['GET' | 'POST', string, unknown?]> => [
    ['GET', `/websites/${id}`],
    ['GET', `/analytics/${id}?range=7d`],
    ['GET', `/analytics/${id}/pages`],
    ['GET', `/analytics/${id}/countries`],
    ['GET', `/analytics/${id}/technology`],
    ['GET', `/analytics/${id}/visitors`],
    ['GET', `/export/${id}?from=2026-03-01&to=2026-03-10&format=csv`],
    ['POST', '/stats/query', { site_id: id, date_range: '7d', metrics: ['visitors'] }],
  ];

  test('a key scoped to site A reads A and gets 404 NOT_FOUND for B on every endpoint', async () => {
    for (const [method, path, body] of siteEndpoints(siteA.id)) {
      const response = await apiRequest(server, method, `${apiBase}${path}`, { key: keyA, body });
      assert.equal(response.status, 200, `${method} ${path} for A: ${JSON.stringify(response.body)}`);
    }
    for (const [method, path, body] of siteEndpoints(siteB.id)) {
      const response = await apiRequest(server, method, `${apiBase}${path}`, { key: keyA, body });
      assertApiError(response, 404, 'NOT_FOUND');
    }
  });

  test('an unscoped key reads every site', async () => {
    for (const [method, path, body] of siteEndpoints(siteB.id)) {
      const response = await apiRequest(server, method, `${apiBase}${path}`, { key: keyAll, body });
      assert.equal(response.status, 200, `${method} ${path}: ${JSON.stringify(response.body)}`);
    }
  });

  test('lists show only the sites in the key’s scope', async () => {
    const scoped = assertApiOk(await apiGet(server, '/websites', keyA));
    assert.deepEqual(
      scoped.websites.map((site: { id: string }) => site.id),
      [siteA.id],
    );
    assert.equal(scoped.total, 1);
    assert.deepEqual(Object.keys(scoped.websites[0]).sort(), [
      'created_at',
      'domain',
      'id',
      'name',
      'timezone',
      'tracking_code',
    ]);
    const all = assertApiOk(await apiGet(server, '/websites', keyAll));
    assert.equal(all.total, 2);

    const usage = assertApiOk(await apiGet(server, '/usage', keyA));
    assert.deepEqual(
      usage.websites.map((site: { id: string }) => site.id),
      [siteA.id],
    );
    assert.equal(usage.total_events, 1);
    assert.equal(usage.total_pageviews, 1);
    assert.equal(usage.api_key.site_id, siteA.id);
    assert.deepEqual(usage.period, { start: '2026-03-01', end: '2026-03-31' });
    assert.equal(assertApiOk(await apiGet(server, '/usage', keyAll)).total_events, 2);
  });

  test('missing, malformed, unknown and revoked keys get 401 UNAUTHORIZED', async () => {
    const wellFormedUnknown = `zv_${'A'.repeat(43)}`;
    const attempts: Array<Record<string, string>> = [
      {},
      { 'x-api-key': '' },
      { 'x-api-key': 'garbage' },
      { 'x-api-key': `${keyA}x` },
      { 'x-api-key': keyA.slice(0, -1) },
      { 'x-api-key': wellFormedUnknown },
      { authorization: `Basic ${keyA}` },
      { authorization: 'Bearer' },
      { 'x-api-key': "zv_' OR 1=1 --" },
    ];
    for (const headers of attempts) {
      const response = await apiGet(server, '/websites', undefined, headers);
      assertApiError(response, 401, 'UNAUTHORIZED');
      assert.equal(response.headers.get('x-ratelimit-limit'), null, 'no limit is reported to strangers');
    }

    const key = await createKey(server, { siteId: siteA.id });
    assertApiOk(await apiGet(server, '/websites', undefined, { authorization: `Bearer ${key}` }));
    const keys = new ApiKeyService(server.runtime.metadata, server.clock);
    assert.equal(await keys.revoke(key.slice(0, 11)), true);
    assertApiError(await apiGet(server, '/websites', key), 401, 'UNAUTHORIZED');
    assertApiError(
      await apiGet(server, '/websites', undefined, { authorization: `Bearer ${key}` }),
      401,
      'UNAUTHORIZED',
    );
    assert.equal(await keys.revoke(key.slice(0, 11)), false, 'revoking twice reports nothing to revoke');
  });

  test('an ingest-only key cannot read: 403 FORBIDDEN', async () => {
    const ingestOnly = await createKey(server, { permissions: ['ingest'] });
    assertApiError(await apiGet(server, '/websites', ingestOnly), 403, 'FORBIDDEN');
    assertApiError(await apiGet(server, `/analytics/${siteA.id}`, ingestOnly), 403, 'FORBIDDEN');
    const both = await createKey(server, { permissions: ['read', 'ingest'] });
    assertApiOk(await apiGet(server, '/websites', both));
  });

  test('a read-only key cannot use the authenticated batch ingest: 403 FORBIDDEN', async () => {
    const readOnly = await createKey(server, { permissions: ['read'] });
    const body = { tracking_code: siteA.trackingCode, events: [] };
    const refused = await apiRequest(server, 'POST', '/api/v1/events', { key: readOnly, body });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'FORBIDDEN');
    const ingestKey = await createKey(server, { permissions: ['ingest'] });
    const allowed = await apiRequest(server, 'POST', '/api/v1/events', { key: ingestKey, body });
    assert.notEqual(allowed.status, 403, 'the ingest permission opens it');
    assert.notEqual(allowed.status, 401);
  });

  test('the key is never stored: only its SHA-256 and an 11-character prefix', async () => {
    const key = await createKey(server);
    await server.runtime.eventsLoaded();
    const connection = await server.runtime.duckdb.connect();
    try {
      const rows = (await connection.runAndReadAll('SELECT * FROM api_keys')).getRowObjectsJS();
      const dump = JSON.stringify(rows);
      assert.ok(!dump.includes(key), 'full key absent');
      assert.ok(!dump.includes(key.slice(11)), 'secret part absent');
      assert.ok(dump.includes(key.slice(0, 11)), 'prefix present');
    } finally {
      connection.closeSync();
    }
    assert.match(key, /^zv_[A-Za-z0-9_-]{43}$/);
  });

  test('bad parameters get 400 VALIDATION_ERROR naming the field', async () => {
    const badRange = await apiGet(server, `/analytics/${siteA.id}?range=2w`, keyA);
    assertApiError(badRange, 400, 'VALIDATION_ERROR');
    assert.equal(badRange.body.error.fields[0].field, 'range');
    const badExport = await apiGet(server, `/export/${siteA.id}?from=2026-02-30&to=2026-03-01`, keyA);
    assertApiError(badExport, 400, 'VALIDATION_ERROR');
    assert.equal(badExport.body.error.fields[0].field, 'from');
    const reversed = await apiGet(server, `/export/${siteA.id}?from=2026-03-02&to=2026-03-01`, keyA);
    assertApiError(reversed, 400, 'VALIDATION_ERROR');
    const notJson = await fetch(`${server.url}${apiBase}/stats/query`, {
      method: 'POST',
      headers: { 'x-api-key': keyA, 'content-type': 'application/json' },
      body: '{"site_id":',
    });
    const notJsonBody = await notJson.json();
    assert.equal(notJson.status, 400);
    assert.equal(notJsonBody.error.code, 'VALIDATION_ERROR');
  });

  test('x-request-id is on every response of the app, echoing a sane caller id only', async () => {
    const responses = [
      await apiGet(server, '/websites', keyA),
      await apiGet(server, '/websites'),
      await apiGet(server, '/no-such-thing', keyA),
      await apiGet(server, '/openapi.json'),
      await apiRequest(server, 'GET', '/healthz'),
      await apiRequest(server, 'GET', '/nowhere'),
      await apiRequest(server, 'GET', `/e/live/${siteA.trackingCode}`),
      await postEvent(server, siteA.trackingCode, { nonsense: true }),
      await postEvent(server, 'ZV_unknown', {}),
    ];
    const ids = responses.map((response) => response.headers.get('x-request-id'));
    for (const id of ids) assert.match(id ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    const echoed = await apiGet(server, '/websites', keyA, { 'x-request-id': 'trace-42.abc' });
    assert.equal(echoed.headers.get('x-request-id'), 'trace-42.abc');
    const hostile = await apiGet(server, '/websites', keyA, { 'x-request-id': 'a b<script>' });
    assert.match(hostile.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });
});
