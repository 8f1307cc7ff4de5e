import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApiKeyService } from '../packages/server/src/auth/key-service.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import {
  addSite,
  postJson,
  serverDefaults,
  startTestServer,
  storedEvents,
  type TestResponse,
  type TestServer,
} from './support/test-server.ts';

let server: TestServer;
let keys: ApiKeyService;
before(async () => {
  server = await startTestServer();
  keys = new ApiKeyService(server.runtime.metadata, server.clock);
});
after(() => server.stop());

async function ingestKey(site: Site | null, permissions = ['ingest']): Promise<string> {
  return (await keys.create({ siteId: site?.id ?? null, permissions })).key;
}

function postBatch(body: unknown, headers: Record<string, string>, target = server): Promise<TestResponse> {
  return postJson(`${target.url}/api/v1/events`, body, headers);
}

const event = (extra: Record<string, unknown> = {}) => ({
  url: 'https://example.com/pricing',
  session_id: 'srv-batch-0001',
  ...serverDefaults,
  ...extra,
});

test('mixed valid and invalid events: one result each, the valid ones stored', async () => {
  const site = await addSite(server, 'mixed.example.com');
  const key = await ingestKey(site);
  const events = [
    event({ event_id: 'evt-1' }),
    event({ url: 'not a url' }),
    event({ user_agent: 'Googlebot/2.1' }),
    42,
    event({ event_id: 'evt-1' }),
    event({ event_type: 'custom', event_name: 'purchase', properties: { value: 9.5 }, client_ip: 'nope' }),
    event({ timestamp: new Date(server.clock.now() - 48 * 3_600_000).toISOString() }),
    event({ event_type: 'custom', event_name: 'signup', event_id: 'evt-2' }),
  ];
  const response = await postBatch({ tracking_code: site.trackingCode, events }, { 'x-api-key': key });
  assert.equal(response.status, 200);
  const summary = response.body.results.map((r: Record<string, unknown>) => [
    r.index,
    r.ok,
    r.code,
    r.duplicate,
  ]);
  assert.deepEqual(summary, [
    [0, true, null, false],
    [1, false, 'VALIDATION_ERROR', false],
    [2, false, 'BOT_DETECTED', false],
    [3, false, 'NOT_AN_OBJECT', false],
    [4, true, null, true],
    [5, false, 'VALIDATION_ERROR', false],
    [6, false, 'VALIDATION_ERROR', false],
    [7, true, null, false],
  ]);
  assert.deepEqual(response.body.results[1].fields, [
    { field: 'url', reason: 'must be an absolute URL such as https://example.com/page' },
  ]);
  assert.deepEqual(
    response.body.results[5].fields.map((f: { field: string }) => f.field),
    ['client_ip'],
  );
  assert.deepEqual(
    response.body.results[6].fields.map((f: { field: string }) => f.field),
    ['timestamp'],
  );
  assert.deepEqual([response.body.accepted, response.body.duplicates, response.body.refused], [3, 1, 5]);
  const stored = await storedEvents(server, site.id);
  assert.deepEqual(stored.map((row) => row.event_id).sort(), ['evt-1', 'evt-2']);
});

test('a key without the ingest permission, for another site, revoked or missing is refused', async () => {
  const site = await addSite(server, 'guarded.example.com');
  const other = await addSite(server, 'other.example.com');
  const readOnly = await ingestKey(site, ['read']);
  const otherSite = await ingestKey(other);
  const allSites = await ingestKey(null);
  const revoked = await keys.create({ siteId: site.id, permissions: ['ingest'] });
  await keys.revoke(revoked.record.prefix);
  const body = { tracking_code: site.trackingCode, events: [event()] };
  const answers = await Promise.all([
    postBatch(body, { 'x-api-key': readOnly }),
    postBatch(body, { authorization: `Bearer ${otherSite}` }),
    postBatch(body, { 'x-api-key': revoked.key }),
    postBatch(body, {}),
    postBatch(body, { 'x-api-key': 'zv_guessed' }),
  ]);
  assert.deepEqual(
    answers.map((a) => [a.status, a.body.error?.code]),
    [
      [403, 'FORBIDDEN'],
      [403, 'FORBIDDEN'],
      [401, 'UNAUTHORIZED'],
      [401, 'UNAUTHORIZED'],
      [401, 'UNAUTHORIZED'],
    ],
  );
  assert.equal((await storedEvents(server, site.id)).length, 0);
  // A key for every site with the ingest permission is welcome.
  const welcome = await postBatch(body, { authorization: `Bearer ${allSites}` });
  assert.equal(welcome.status, 200);
  assert.equal(welcome.body.accepted, 1);
});

test('client_ip decides location and visitor hash, and is stored nowhere', async () => {
  const site = await addSite(server, 'geo.example.com');
  const key = await ingestKey(site);
  const london = '81.2.69.142';
  const mountainView = '8.8.8.8';
  const agent =
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
  const events = [
    event({ client_ip: london, user_agent: agent, event_id: 'a' }),
    event({ client_ip: london, user_agent: agent, event_id: 'b' }),
    event({ client_ip: mountainView, user_agent: agent, event_id: 'c' }),
    event({ user_agent: agent, event_id: 'd' }),
  ];
  const response = await postBatch({ tracking_code: site.trackingCode, events }, { 'x-api-key': key });
  assert.equal(response.body.accepted, 4);
  const rows = new Map((await storedEvents(server, site.id)).map((row) => [row.event_id, row]));
  assert.deepEqual(
    ['a', 'c', 'd'].map((id) => [rows.get(id)?.country, rows.get(id)?.city]),
    [
      ['GB', 'London'],
      ['US', 'Mountain View'],
      ['', ''],
    ],
  );
  assert.equal(rows.get('a')?.visitor_id, rows.get('b')?.visitor_id);
  assert.notEqual(rows.get('a')?.visitor_id, rows.get('c')?.visitor_id);
  assert.notEqual(rows.get('c')?.visitor_id, rows.get('d')?.visitor_id);

  // Every table, every column: neither address appears anywhere.
  await server.runtime.eventsLoaded();
  const connection = await server.runtime.duckdb.connect();
  try {
    const tables = (
      await connection.runAndReadAll(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'",
      )
    ).getRowObjectsJS();
    assert.ok(tables.length >= 4);
    for (const { table_name: table } of tables) {
      const dump = JSON.stringify(
        (await connection.runAndReadAll(`SELECT * FROM "${table}"`)).getRowObjectsJS(),
        (_key, value) => (typeof value === 'bigint' ? String(value) : value),
      );
      for (const ip of [london, mountainView]) assert.ok(!dump.includes(ip), `${ip} found in table ${table}`);
    }
  } finally {
    connection.closeSync();
  }
});

test('a timestamp within the past window becomes the event time', async () => {
  const site = await addSite(server, 'backfill.example.com');
  const key = await ingestKey(site);
  const twoHoursAgo = server.clock.now() - 2 * 3_600_000;
  const events = [
    event({ timestamp: new Date(twoHoursAgo).toISOString(), event_id: 'iso' }),
    event({ timestamp: twoHoursAgo + 1_000, event_id: 'epoch' }),
    event({ timestamp: server.clock.now() + 3_600_000, event_id: 'future' }),
    event({ timestamp: 'yesterday', event_id: 'words' }),
  ];
  const response = await postBatch({ tracking_code: site.trackingCode, events }, { 'x-api-key': key });
  assert.deepEqual(
    response.body.results.map((r: { ok: boolean }) => r.ok),
    [true, true, false, false],
  );
  const rows = await storedEvents(server, site.id);
  assert.deepEqual(
    rows.map((row) => [row.event_id, row.ts]),
    [
      ['iso', new Date(twoHoursAgo).toISOString().replace('Z', '000Z')],
      ['epoch', new Date(twoHoursAgo + 1_000).toISOString().replace('Z', '000Z')],
    ],
  );
});

test('the envelope is checked: tracking code, 1 to 1,000 events, body size', async () => {
  const site = await addSite(server, 'envelope.example.com');
  const key = await ingestKey(site);
  const headers = { 'x-api-key': key };
  const many = Array.from({ length: 1_001 }, () => event());
  const answers = await Promise.all([
    postBatch({ tracking_code: site.trackingCode, events: many }, headers),
    postBatch({ tracking_code: site.trackingCode, events: [] }, headers),
    postBatch({ events: [event()] }, headers),
    postBatch({ tracking_code: 'ZV_nothing', events: [event()] }, headers),
    postBatch('[1,2]', headers),
    postBatch('{"tracking_code":', headers),
  ]);
  assert.deepEqual(
    answers.map((a) => [a.status, a.body.error?.code]),
    [
      [400, 'VALIDATION_ERROR'],
      [400, 'VALIDATION_ERROR'],
      [400, 'VALIDATION_ERROR'],
      [404, 'UNKNOWN_TRACKING_CODE'],
      [400, 'NOT_AN_OBJECT'],
      [400, 'INVALID_JSON'],
    ],
  );
  // 1,000 events are far more than the public endpoint's body limit, and fine here.
  const full = Array.from({ length: 1_000 }, (_, i) => event({ event_id: `full-${i}`, properties: { i } }));
  const ok = await postBatch({ tracking_code: site.trackingCode, events: full }, headers);
  assert.equal(ok.status, 200);
  assert.equal(ok.body.accepted, 1_000);
  assert.equal((await storedEvents(server, site.id)).length, 1_000);
});

test('limits count per API key, configurable, with Retry-After; a larger body than allowed is a 413', async () => {
  const small = await startTestServer({
    config: { batchIngestLimits: [{ limit: 2, windowMs: 10_000 }], batchMaxBodyBytes: 4_096 },
  });
  try {
    const smallKeys = new ApiKeyService(small.runtime.metadata, small.clock);
    const site = await small.runtime.sites.add('limits.example.com');
    const first = (await smallKeys.create({ siteId: site.id, permissions: ['ingest'] })).key;
    const second = (await smallKeys.create({ siteId: site.id, permissions: ['ingest'] })).key;
    const body = { tracking_code: site.trackingCode, events: [event()] };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await postBatch(body, { 'x-api-key': first }, small)).status);
    const limited = await postBatch(body, { 'x-api-key': first }, small);
    assert.deepEqual([...statuses, limited.status], [200, 200, 429, 429]);
    assert.equal(limited.body.error.code, 'RATE_LIMIT_EXCEEDED');
    assert.equal(limited.headers.get('retry-after'), '10');
    assert.equal((await postBatch(body, { 'x-api-key': second }, small)).status, 200);
    small.clock.advance(10_000);
    assert.equal((await postBatch(body, { 'x-api-key': first }, small)).status, 200);
    const big = { tracking_code: site.trackingCode, events: Array.from({ length: 40 }, () => event()) };
    const tooLarge = await postBatch(big, { 'x-api-key': second }, small);
    assert.deepEqual([tooLarge.status, tooLarge.body.error?.code], [413, 'PAYLOAD_TOO_LARGE']);
  } finally {
    await small.stop();
  }
});
