/**
 * Refusals of POST /api/v2/query in Plausible's shape: `{"error": "<sentence>"}` alone, with the
 * statuses its reference gives (400 a query it cannot run, 401 a missing or invalid key or a site
 * the key cannot read, 429 over the limit), each sentence naming the field and the value at fault.
 * Our stable code rides in the X-Zenovay-Error-Code header.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createKey } from './api-helpers.ts';
import { type PlausibleReply, plausibleQuery, rows } from './plausible-client.ts';
import { type PlausibleFixture, startPlausibleFixture } from './plausible-fixture.ts';
import { startTestServer, stopAndRemove } from './support/test-server.ts';

let fx: PlausibleFixture;
before(async () => {
  fx = await startPlausibleFixture();
});
after(() => stopAndRemove(fx.server));

const base = { site_id: 'dummy.site', metrics: ['visitors'], date_range: '7d' };
const ask = (query: Record<string, unknown>, key: string | null = fx.key): Promise<PlausibleReply> =>
  plausibleQuery(fx.server.url, key, { ...base, ...query });

/** Plausible's error shape: one `error` sentence, nothing of our envelope. */
function assertRefused(reply: PlausibleReply, status: number, code: string, ...named: string[]): void {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  assert.deepEqual(Object.keys(reply.body), ['error'], JSON.stringify(reply.body));
  assert.equal(typeof reply.body.error, 'string');
  for (const part of named) assert.ok(reply.body.error.includes(part), `"${reply.body.error}" names ${part}`);
  assert.equal(reply.headers.get('x-zenovay-error-code'), code);
}

test('authentication: a missing key, a wrong key, a site the key cannot read', async () => {
  const missing = await ask({}, null);
  assertRefused(missing, 401, 'UNAUTHORIZED', 'API key');
  assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
  assertRefused(await ask({}, 'zv_not-a-real-key'), 401, 'UNAUTHORIZED', 'API key');
  assertRefused(await ask({ site_id: 'nobody.example' }), 401, 'UNAUTHORIZED', 'site ID');
  const other = await fx.server.runtime.sites.add('other.example');
  const scoped = await createKey(fx.server, { siteId: other.id });
  // The site exists, the key may not read it: the same answer as a site that does not exist.
  assertRefused(await ask({}, scoped), 401, 'UNAUTHORIZED', 'site ID');
  assert.deepEqual(rows(await ask({ site_id: fx.site.id })), [[3]], 'our id names the site too');
  assertRefused(await ask({ site_id: undefined }), 400, 'VALIDATION_ERROR', 'site_id');
});

test('a body that is not a query object', async () => {
  assertRefused(await plausibleQuery(fx.server.url, fx.key, '{"site_id": '), 400, 'INVALID_JSON');
  assertRefused(await plausibleQuery(fx.server.url, fx.key, '[1, 2]'), 400, 'NOT_AN_OBJECT');
  assertRefused(await ask({ period: '7d' }), 400, 'VALIDATION_ERROR', '"period"');
});

test('metrics, dimensions and date_range name the value at fault', async () => {
  assertRefused(await ask({ metrics: ['visitorz'] }), 400, 'VALIDATION_ERROR', '"visitorz"');
  assertRefused(await ask({ metrics: [] }), 400, 'VALIDATION_ERROR', 'metrics');
  assertRefused(await ask({ metrics: ['visitors', 'visitors'] }), 400, 'VALIDATION_ERROR', '"visitors"');
  assertRefused(await ask({ dimensions: ['visit:planet'] }), 400, 'VALIDATION_ERROR', '"visit:planet"');
  assertRefused(await ask({ date_range: '8d' }), 400, 'VALIDATION_ERROR', 'date_range', '"8d"');
  assertRefused(
    await ask({ date_range: ['2026-02-30', '2026-03-01'] }),
    400,
    'VALIDATION_ERROR',
    'date_range',
  );
  assertRefused(
    await ask({ date_range: ['2026-03-09', '2026-03-01'] }),
    400,
    'VALIDATION_ERROR',
    'date_range',
  );
  assertRefused(await ask({ date_range: undefined }), 400, 'VALIDATION_ERROR', 'date_range');
  assertRefused(await ask({ pagination: { limit: 0 } }), 400, 'VALIDATION_ERROR', 'pagination.limit', '0');
  assertRefused(await ask({ order_by: [['pageviews', 'desc']] }), 400, 'VALIDATION_ERROR', '"pageviews"');
  assertRefused(await ask({ include: { time_labels: true } }), 400, 'VALIDATION_ERROR', 'time_labels');
});

test('filters name the filter and the value at fault', async () => {
  assertRefused(
    await ask({ filters: [['is', 'visit:country', ['USA']]] }),
    400,
    'VALIDATION_ERROR',
    'visit:country',
    '"USA"',
  );
  assertRefused(
    await ask({ filters: [['equals', 'event:page', ['/']]] }),
    400,
    'VALIDATION_ERROR',
    '"equals"',
  );
  assertRefused(
    await ask({ filters: [['is', 'event:page', ['/'], { case_sensitive: 'no' }]] }),
    400,
    'VALIDATION_ERROR',
    'case_sensitive',
  );
  assertRefused(
    await ask({ filters: [['matches', 'event:page', ['^/(?=blog)']]] }),
    400,
    'VALIDATION_ERROR',
    '^/(?=blog)',
  );
  // JS reads these; RE2 does not (each was a 500 from the engine before the validator knew RE2).
  for (const pattern of ['\\u0041', '\\cA', '(?<n>x)', '[a-\\d]', 'a{1001}']) {
    assertRefused(
      await ask({ filters: [['matches', 'event:page', [pattern]]] }),
      400,
      'VALIDATION_ERROR',
      JSON.stringify(pattern),
    );
  }
  assertRefused(
    await ask({ filters: [['matches', 'event:page', ['x'.repeat(1_001)]]] }),
    400,
    'VALIDATION_ERROR',
    'filters[0][2][0]',
  );
  let deep: unknown = ['is', 'event:page', ['/']];
  for (let i = 0; i < 10; i += 1) deep = ['not', deep];
  assertRefused(await ask({ filters: [deep] }), 400, 'VALIDATION_ERROR', 'nest');
  assertRefused(await ask({ filters: [['is', 'time', ['2026']]] }), 400, 'VALIDATION_ERROR', 'time');
});

test('combinations Plausible refuses, refused with the field and value named', async () => {
  assertRefused(
    await ask({ metrics: ['bounce_rate'], dimensions: ['event:name'] }),
    400,
    'VALIDATION_ERROR',
    'bounce_rate',
    'event:name',
  );
  assertRefused(
    await ask({ metrics: ['visit_duration'], dimensions: ['event:props:plan'] }),
    400,
    'VALIDATION_ERROR',
    'visit_duration',
    'event:props:plan',
  );
  assertRefused(
    await ask({ metrics: ['views_per_visit'], filters: [['is', 'event:page', ['/']]] }),
    400,
    'VALIDATION_ERROR',
    'views_per_visit',
    'event:page',
  );
  assertRefused(
    await ask({ metrics: ['views_per_visit'], dimensions: ['visit:source'] }),
    400,
    'VALIDATION_ERROR',
    'views_per_visit',
    'dimensions',
  );
  assertRefused(
    await ask({ metrics: ['conversion_rate'] }),
    400,
    'VALIDATION_ERROR',
    'conversion_rate',
    'event:goal',
  );
  assertRefused(
    await ask({ metrics: ['group_conversion_rate'], filters: [['is', 'event:goal', ['Signup']]] }),
    400,
    'VALIDATION_ERROR',
    'group_conversion_rate',
    'dimensions',
  );
  assertRefused(
    await ask({ filters: [['is', 'event:goal', ['No such goal']]] }),
    400,
    'VALIDATION_ERROR',
    'No such goal',
  );
});

test('over the per-minute limit: 429 with Retry-After', async () => {
  const server = await startTestServer({ config: { apiRateLimitPerMinute: 2 } });
  try {
    await server.runtime.sites.add('dummy.site');
    const key = await createKey(server);
    for (let i = 0; i < 2; i += 1) {
      assert.equal((await plausibleQuery(server.url, key, base)).status, 200);
    }
    const over = await plausibleQuery(server.url, key, base);
    assertRefused(over, 429, 'RATE_LIMIT_EXCEEDED', 'Retry-After');
    assert.ok(Number(over.headers.get('retry-after')) > 0);
  } finally {
    await stopAndRemove(server);
  }
});
