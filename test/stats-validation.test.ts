import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Site } from '../packages/server/src/store/types.ts';
import { apiBase, apiRequest, assertApiError, createKey } from './api-helpers.ts';
import { dashboardTestConfig } from './dashboard-helpers.ts';
import { DashboardClient } from './support/dashboard-client.ts';
import { startTestServer, type TestResponse, type TestServer } from './support/test-server.ts';

// A stats query's problems, all of them at once and in our words, in the envelope's field list:
// the REST API (`POST /stats/query`) and the dashboard's query route answer the same list.

const password = 'correct horse battery staple';
let server: TestServer;
let site: Site;
let readKey: string;
let dashboard: DashboardClient;

before(async () => {
  server = await startTestServer({ config: dashboardTestConfig });
  site = await server.runtime.sites.add('valid.example');
  readKey = await createKey(server, { siteId: site.id, permissions: ['read'] });
  await server.runtime.accounts.createUser('owner@example.com', password);
  dashboard = new DashboardClient(server);
  assert.equal((await dashboard.signIn('owner@example.com', password)).status, 200);
});
after(() => server.stop());

/** The metrics as of this writing; a metric added later must not be missing from the list. */
const allowedMetrics = [
  'visitors',
  'visits',
  'pageviews',
  'views_per_visit',
  'bounce_rate',
  'visit_duration',
  'events',
  'conversion_rate',
  'revenue',
  'total_revenue',
  'average_revenue',
  'revenue_per_visitor',
];

type Field = { field: string; reason: string };

const rest = (body: unknown) => apiRequest(server, 'POST', `${apiBase}/stats/query`, { key: readKey, body });
const fromDashboard = async (body: Record<string, unknown>): Promise<TestResponse> => {
  const { site_id: _given, ...rest } = body;
  const response = await dashboard.call('POST', `/sites/${site.id}/query`, rest);
  return { status: response.status, headers: response.headers, body: response.body };
};

/** Refused with VALIDATION_ERROR on both paths, with the same field list; returns it. */
async function refusedOnBothPaths(body: Record<string, unknown>): Promise<Field[]> {
  const viaApi = await rest(body);
  assertApiError(viaApi, 400, 'VALIDATION_ERROR');
  const viaDashboard = await fromDashboard(body);
  assert.equal(viaDashboard.status, 400, JSON.stringify(viaDashboard.body));
  assert.equal(viaDashboard.body.error.code, 'VALIDATION_ERROR');
  assert.deepEqual(
    viaDashboard.body.error.fields,
    viaApi.body.error.fields,
    'the dashboard gets the same list',
  );
  const fields: Field[] = viaApi.body.error.fields;
  for (const item of fields) {
    // Ajv's wording ("must be equal to one of the allowed values") never reaches a client.
    assert.doesNotMatch(item.reason, /^must |allowed values|must NOT/, item.reason);
  }
  return fields;
}

const reasonOf = (fields: Field[], field: string) =>
  fields.find((item) => item.field === field)?.reason ?? '';

test('every problem of one request comes back together, each at its field', async () => {
  const fields = await refusedOnBothPaths({
    site_id: site.id,
    date_range: '7d',
    metrics: ['visitors', 'bounce', 'uniques'],
    dimensions: ['event:planet'],
    limit: 10,
    offset: 20,
    page: 2,
    colour: 'blue',
  });
  assert.deepEqual(
    fields.map((item) => item.field),
    ['limit', 'offset', 'page', 'colour', 'metrics[1]', 'metrics[2]', 'dimensions[0]'],
  );
  assert.match(reasonOf(fields, 'limit'), /belongs in pagination\.limit/);
  assert.match(reasonOf(fields, 'offset'), /belongs in pagination\.offset/);
  assert.match(reasonOf(fields, 'page'), /pagination\.offset/);
  assert.match(reasonOf(fields, 'colour'), /unknown field/);
  for (const metric of allowedMetrics) {
    assert.ok(reasonOf(fields, 'metrics[1]').includes(metric), `the allowed list names ${metric}`);
  }
  assert.equal(reasonOf(fields, 'metrics[2]'), reasonOf(fields, 'metrics[1]'));
});

test('shape problems and semantic ones are reported in one answer', async () => {
  const fields = await refusedOnBothPaths({
    site_id: site.id,
    date_range: 'yesterday',
    metrics: ['visitors', 42, 'visitorz'],
    pagination: { limit: '10', page: 3 },
    sort: [['visitors', 'desc']],
  });
  assert.deepEqual(
    fields.map((item) => item.field),
    ['sort', 'pagination.page', 'pagination.limit', 'metrics[1]', 'date_range', 'metrics[2]'],
  );
  assert.match(reasonOf(fields, 'sort'), /belongs in order_by/);
  assert.match(reasonOf(fields, 'pagination.page'), /pagination\.offset/);
  assert.match(reasonOf(fields, 'pagination.limit'), /integer from 1 to 10000/);
  assert.match(reasonOf(fields, 'metrics[1]'), /a string/);
  // Counted in the list as sent, though the number at index 1 was set aside.
  assert.match(reasonOf(fields, 'metrics[2]'), /unknown metric/);
});

test('a near miss of a field name is suggested; v1 names say where they moved', async () => {
  const fields = await refusedOnBothPaths({
    site_id: site.id,
    date_range: '7d',
    metrics: ['visitors'],
    dimension: ['event:page'],
    metris: ['visits'],
    period: '30d',
  });
  assert.deepEqual(
    fields.map((item) => item.field),
    ['dimension', 'metris', 'period'],
  );
  assert.match(reasonOf(fields, 'dimension'), /belongs in dimensions/);
  assert.match(reasonOf(fields, 'metris'), /did you mean metrics\?/);
  assert.match(reasonOf(fields, 'period'), /belongs in date_range/);
});

test('hostile bodies: __proto__, thousands of keys, a huge key, not an object', async () => {
  const raw = await fetch(`${server.url}${apiBase}/stats/query`, {
    method: 'POST',
    headers: { 'x-api-key': readKey, 'content-type': 'application/json' },
    body: `{"site_id":"${site.id}","date_range":"7d","metrics":["visitors"],"__proto__":{"limit":5}}`,
  });
  const protoBody = await raw.json();
  assert.equal(raw.status, 400);
  assert.deepEqual(
    protoBody.error.fields.map((item: Field) => item.field),
    ['__proto__'],
  );

  const junk: Record<string, unknown> = { site_id: site.id, date_range: '7d', metrics: ['visitors'] };
  for (let i = 0; i < 1_000; i++) junk[`junk${i}`] = i;
  const many = await refusedOnBothPaths(junk);
  assert.equal(many.length, 21, 'twenty named, then a count');
  assert.deepEqual(many[20], { field: 'body', reason: '980 more unknown fields' });

  const long = await refusedOnBothPaths({
    site_id: site.id,
    date_range: '7d',
    metrics: ['visitors'],
    ['k'.repeat(5_000)]: 1,
  });
  assert.equal(long[0]?.field, `${'k'.repeat(100)}…`);

  for (const body of [[], 'visitors', null, 42]) {
    const response = await rest(body);
    assertApiError(response, 400, 'VALIDATION_ERROR');
    assert.deepEqual(
      response.body.error.fields.map((item: Field) => item.field),
      ['body'],
      JSON.stringify(body),
    );
  }
});

test('REST: a missing site_id is a validation error; an unknown or invisible one is 404', async () => {
  const missing = await rest({ metrics: ['visitors'], date_range: '7d' });
  assertApiError(missing, 400, 'VALIDATION_ERROR');
  assert.deepEqual(
    missing.body.error.fields.map((item: Field) => item.field),
    ['site_id'],
  );
  assertApiError(
    await rest({ site_id: 'no-such-site', metrics: ['visitors'], date_range: '7d' }),
    404,
    'NOT_FOUND',
  );
  const other = await server.runtime.sites.add('other.example');
  assertApiError(
    await rest({ site_id: other.id, metrics: ['visitors'], date_range: '7d' }),
    404,
    'NOT_FOUND',
  );

  const ok = await rest({ site_id: 'valid.example', metrics: ['visitors'], date_range: '7d' });
  assert.equal(ok.status, 200, 'a site named by its domain still works');
});
