import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { runCli } from '../packages/server/src/cli/main.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { apiBase, apiGet, apiRequest, createKey } from './api-helpers.ts';
import { dashboardTestConfig } from './dashboard-helpers.ts';
import { DashboardClient } from './support/dashboard-client.ts';
import {
  postJson,
  serverDefaults,
  startTestServer,
  type TestResponse,
  type TestServer,
} from './support/test-server.ts';

const password = 'correct horse battery staple';
let server: TestServer;
let site: Site;
let readKey: string;
let ingestKey: string;
let dashboard: DashboardClient;

before(async () => {
  server = await startTestServer({ config: dashboardTestConfig });
  site = await server.runtime.sites.add('strict.example');
  readKey = await createKey(server, { siteId: site.id, permissions: ['read'] });
  ingestKey = await createKey(server, { siteId: site.id, permissions: ['ingest'] });
  await server.runtime.accounts.createUser('owner@example.com', password);
  dashboard = new DashboardClient(server);
  assert.equal((await dashboard.signIn('owner@example.com', password)).status, 200);
});
after(() => server.stop());

const event = { url: 'https://strict.example/', session_id: 'session-strict-1', ...serverDefaults };

/** Every route that reads a JSON body, with a body it would otherwise accept. */
function jsonRoutes(): Array<{
  name: string;
  send(contentType: string): Promise<Pick<TestResponse, 'status' | 'body'>>;
}> {
  return [
    {
      name: 'ingest /e/',
      send: (type) => postJson(`${server.url}/e/${site.trackingCode}`, event, { 'content-type': type }),
    },
    {
      name: 'batch ingest',
      send: (type) =>
        postJson(
          `${server.url}/api/v1/events`,
          { tracking_code: site.trackingCode, events: [event] },
          { 'content-type': type, 'x-api-key': ingestKey },
        ),
    },
    {
      name: 'REST stats query',
      send: (type) =>
        postJson(
          `${server.url}${apiBase}/stats/query`,
          { site_id: site.id, date_range: '7d', metrics: ['visitors'] },
          { 'content-type': type, 'x-api-key': readKey },
        ),
    },
    {
      name: 'dashboard query',
      send: (type) =>
        dashboard.call(
          'POST',
          `/sites/${site.id}/query`,
          { date_range: '7d', metrics: ['visitors'] },
          {
            'content-type': type,
          },
        ),
    },
  ];
}

test('a body declared in any charset but UTF-8 is refused with 415 on every JSON route', async () => {
  for (const route of jsonRoutes()) {
    for (const type of [
      'application/json; charset=utf-16',
      'application/json; charset="UTF-16LE"',
      'application/json;charset=iso-8859-1',
      'text/plain; charset=iso-8859-1',
      'text/plain; charset=windows-1252',
    ]) {
      const response = await route.send(type);
      assert.equal(response.status, 415, `${route.name} with ${type}: ${JSON.stringify(response.body)}`);
      const error = response.body.error; // the same in both envelopes
      assert.equal(error.code, 'UNSUPPORTED_MEDIA_TYPE');
      assert.match(error.message, /UTF-8/);
    }
  }
});

test('UTF-8, spelled any way, or no charset at all, is read', async () => {
  for (const route of jsonRoutes()) {
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset="UTF-8"',
    ]) {
      server.clock.advance(1_000);
      const response = await route.send(type);
      assert.ok(
        response.status < 300,
        `${route.name} with ${type}: ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
  }
});

const impossibleDays = ['2026-02-30', '2026-13-01', '2025-02-29'];

test('impossible custom dates are refused by the REST and dashboard stats queries, naming date_range', async () => {
  for (const day of impossibleDays) {
    const rest = await apiRequest(server, 'POST', `${apiBase}/stats/query`, {
      key: readKey,
      body: { site_id: site.id, date_range: [day, '2026-03-10'], metrics: ['visitors'] },
    });
    assert.equal(rest.status, 400, day);
    assert.equal(rest.body.error.code, 'VALIDATION_ERROR');
    assert.deepEqual(
      rest.body.error.fields.map((f: { field: string }) => f.field),
      ['date_range'],
    );
    const extras: Record<string, Record<string, unknown>> = {
      query: { metrics: ['visitors'] },
      refusals: {},
      'property-keys': { event: 'signup' },
    };
    for (const [path, extra] of Object.entries(extras)) {
      const body = { date_range: ['2026-01-01', day], ...extra };
      const answer = await dashboard.call('POST', `/sites/${site.id}/${path}`, body);
      assert.equal(answer.status, 400, `${path} ${day}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, 'VALIDATION_ERROR');
      assert.deepEqual(
        answer.body.error.fields.map((f: { field: string }) => f.field),
        ['date_range'],
      );
    }
  }
  const leap = await apiRequest(server, 'POST', `${apiBase}/stats/query`, {
    key: readKey,
    body: { site_id: site.id, date_range: ['2024-02-29', '2024-02-29'], metrics: ['visitors'] },
  });
  assert.equal(leap.status, 200, JSON.stringify(leap.body));
  const leapPanel = await dashboard.call('POST', `/sites/${site.id}/refusals`, {
    date_range: ['2024-02-29', '2024-03-01'],
  });
  assert.equal(leapPanel.status, 200);
});

test('impossible export days are refused by the REST API and the CLI, naming from/to', async () => {
  for (const day of impossibleDays) {
    const response = await apiGet(server, `/export/${site.id}?from=${day}&to=2026-03-10&format=csv`, readKey);
    assert.equal(response.status, 400, day);
    assert.equal(response.body.error.code, 'VALIDATION_ERROR');
    assert.deepEqual(response.body.error.fields, [
      { field: 'from', reason: 'must be a real calendar day written YYYY-MM-DD' },
    ]);
    await assert.rejects(
      runCli(
        ['export', '--site', site.id, '--from', '2026-01-01', '--to', day],
        { ZENOVAY_DATA_DIR: server.dataDir },
        () => undefined,
        { stdout: new PassThrough(), stderr: new PassThrough() },
      ),
      /--to must be a real calendar day written YYYY-MM-DD/,
    );
  }
  const leap = await apiGet(
    server,
    `/export/${site.id}?from=2024-02-29&to=2024-02-29&format=ndjson`,
    readKey,
  );
  assert.equal(leap.status, 200);
});

test('a batch timestamp on an impossible day is refused, not rolled over into the next month', async () => {
  // The clock stands at 2026-03-10 12:00Z; 2026-02-30 would roll over to 2026-03-02.
  server.clock.set(Date.parse('2026-03-02T12:00:00Z'));
  const response = await postJson(
    `${server.url}/api/v1/events`,
    {
      tracking_code: site.trackingCode,
      events: [
        { ...event, timestamp: '2026-02-30T10:00:00Z' },
        { ...event, session_id: 'session-strict-2', timestamp: '2026-03-02T10:00:00Z' },
      ],
    },
    { 'x-api-key': ingestKey },
  );
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.deepEqual(
    response.body.results.map((r: { ok: boolean; code: string | null }) => [r.ok, r.code]),
    [
      [false, 'VALIDATION_ERROR'],
      [true, null],
    ],
  );
  assert.deepEqual(response.body.results[0].fields, [
    { field: 'timestamp', reason: 'must be an ISO 8601 date-time or epoch milliseconds' },
  ]);
});
