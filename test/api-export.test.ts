import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { DuckDbEventStore } from '../packages/server/src/store/duckdb/event-store.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { apiGet, assertApiError, createKey } from './api-helpers.ts';
import { postEvent, serverDefaults, startTestServer, type TestServer } from './support/test-server.ts';

let server: TestServer;
let site: Site;
let otherSite: Site;
let key: string;

/** The awkward values the export must carry intact. */
const awkwardName = 'Sign "up", now\nplease';
const awkwardProps = { note: 'a,b "c"\r\nd', emoji: '🎉', n: 42 };

/** A strict RFC 4180 reader, small enough to check by eye (the export must not be read by itself). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  assert.equal(cell, '', 'the file ends with a newline');
  return rows;
}

before(async () => {
  server = await startTestServer();
  // New York: daylight time began on 2026-03-08, so local 2026-03-10 runs 04:00Z to 04:00Z.
  site = await server.runtime.sites.add('shop.example', { timezone: 'America/New_York' });
  otherSite = await server.runtime.sites.add('other.example');
  key = await createKey(server, { siteId: site.id });
  const send = async (iso: string, target: Site, body: Record<string, unknown>) => {
    server.clock.set(Date.parse(iso));
    const response = await postEvent(server, target.trackingCode, {
      ...serverDefaults,
      session_id: 'session-123',
      url: `https://${target.domain}/checkout?step=2`,
      ...body,
    });
    assert.equal(response.status, 202, JSON.stringify(response.body));
  };
  await send('2026-03-10T03:59:59.000Z', site, { event_id: 'before-local-midnight' }); // 9th, local
  await send('2026-03-10T04:00:00.000Z', site, {
    event_type: 'custom',
    event_name: awkwardName,
    properties: awkwardProps,
    referrer: 'https://news.example/item?id=1',
    event_id: 'awkward',
  });
  await send('2026-03-10T12:30:00.250Z', site, { url: 'https://shop.example/a,b' });
  await send('2026-03-10T12:00:00.000Z', otherSite, {}); // another site: never exported
  await send('2026-03-11T03:59:59.999Z', site, { event_id: 'last-of-the-10th' });
  await send('2026-03-11T04:00:00.000Z', site, { event_id: 'first-of-the-11th' });
});
after(() => server.stop());

test('CSV export: the days asked for in the site’s time zone, header first, every value escaped', async () => {
  const response = await apiGet(server, `/export/${site.id}?from=2026-03-10&to=2026-03-10&format=csv`, key);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
  assert.equal(response.headers.get('x-export-rows'), '3');
  assert.ok(response.headers.get('x-request-id'));
  const text = response.body as string;
  assert.ok(text.includes('"Sign ""up"", now\nplease"'), 'quotes doubled, field with comma/newline quoted');
  const [header, ...rows] = parseCsv(text);
  assert.equal(
    header!.join(','),
    'ts,event_type,event_name,hostname,pathname,query,utm_source,utm_medium,utm_campaign,utm_term,utm_content,referrer,referrer_host,session_id,visitor_id,device_type,browser,os,country,region,city,props,event_id',
  );
  assert.equal(rows.length, 3);
  const column = (name: string) => header!.indexOf(name);
  assert.deepEqual(
    rows.map((row) => row[column('ts')]),
    ['2026-03-10T04:00:00.000Z', '2026-03-10T12:30:00.250Z', '2026-03-11T03:59:59.999Z'],
  );
  const awkward = rows[0]!;
  assert.equal(awkward[column('event_type')], 'custom');
  assert.equal(awkward[column('event_name')], awkwardName);
  assert.deepEqual(JSON.parse(awkward[column('props')]!), { note: 'a,b "c"\r\nd', emoji: '🎉', n: '42' });
  assert.equal(awkward[column('referrer_host')], 'news.example');
  assert.equal(awkward[column('query')], 'step=2');
  assert.equal(awkward[column('event_id')], 'awkward');
  assert.equal(rows[1]![column('pathname')], '/a,b');
  assert.equal(rows[1]![column('event_id')], '');
  assert.ok(!text.includes('127.0.0.1'), 'no IP address anywhere');
});

test('NDJSON export: one JSON object per line with props as an object', async () => {
  const response = await apiGet(
    server,
    `/export/${site.id}?from=2026-03-09&to=2026-03-11&format=ndjson`,
    key,
  );
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/x-ndjson/);
  const text = response.body as string;
  assert.ok(text.endsWith('\n'));
  const lines = text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.deepEqual(
    lines.map((line) => line.event_id),
    ['before-local-midnight', 'awkward', '', 'last-of-the-10th', 'first-of-the-11th'],
  );
  assert.equal(response.headers.get('x-export-rows'), '5');
  assert.equal(lines[1].event_name, awkwardName);
  assert.deepEqual(lines[1].props, { note: 'a,b "c"\r\nd', emoji: '🎉', n: '42' });
  assert.deepEqual(lines[0].props, {});
  assert.equal(Object.keys(lines[0]).length, 23);
});

test('an empty range exports just the CSV header, or nothing as NDJSON', async () => {
  const csv = await apiGet(server, `/export/${site.id}?from=2025-01-01&to=2025-01-31&format=csv`, key);
  assert.equal(csv.status, 200);
  assert.equal((csv.body as string).split('\n').length, 2);
  assert.ok((csv.body as string).startsWith('ts,event_type,'));
  const ndjson = await apiGet(server, `/export/${site.id}?from=2025-01-01&to=2025-01-31&format=ndjson`, key);
  assert.equal(ndjson.body, '');
  assert.equal(ndjson.headers.get('x-export-rows'), '0');
});

test('export needs read access to the site and a valid range', async () => {
  assertApiError(
    await apiGet(server, `/export/${otherSite.id}?from=2026-03-10&to=2026-03-10`, key),
    404,
    'NOT_FOUND',
  );
  assertApiError(
    await apiGet(server, `/export/${site.id}?from=2026-03-10&to=2026-03-10`),
    401,
    'UNAUTHORIZED',
  );
  assertApiError(
    await apiGet(server, `/export/${site.id}?from=2026-03-10&to=2026-03-10&format=xml`, key),
    400,
    'VALIDATION_ERROR',
  );
  assertApiError(await apiGet(server, `/export/${site.id}?from=2026-03-10`, key), 400, 'VALIDATION_ERROR');
});

test('a client that hangs up mid-export releases the read; the server keeps serving and stops cleanly', async () => {
  const big = await server.runtime.sites.add('big.example');
  const bigKey = await createKey(server, { siteId: big.id });
  const store = await DuckDbEventStore.open(server.runtime.duckdb);
  const ts = Date.parse('2026-03-12T10:00:00Z');
  const row = (i: number) => ({
    ts,
    siteId: big.id,
    eventType: 'pageview' as const,
    eventName: 'pageview',
    hostname: 'big.example',
    pathname: `/page/${i}`,
    query: '',
    utmSource: '',
    utmMedium: '',
    utmCampaign: '',
    utmTerm: '',
    utmContent: '',
    referrer: '',
    referrerHost: '',
    sessionId: `session-${i % 100}`,
    visitorId: `visitor-${i % 50}`,
    deviceType: 'desktop',
    browser: 'Firefox',
    os: 'Linux',
    country: '',
    region: '',
    city: '',
    propKeys: [],
    propValues: [],
    eventId: '',
  });
  await store.append(Array.from({ length: 30_000 }, (_, i) => row(i)));
  store.close();

  const firstChunk = await new Promise<{ rows: string | undefined; bytes: number }>((resolve, reject) => {
    const request = http.get(
      `${server.url}/api/external/v1/export/${big.id}?from=2026-03-12&to=2026-03-12&format=csv`,
      { headers: { 'x-api-key': bigKey } },
      (response) => {
        response.once('data', (chunk: Buffer) => {
          request.destroy(); // hang up after the first bytes
          resolve({ rows: response.headers['x-export-rows'] as string | undefined, bytes: chunk.length });
        });
      },
    );
    request.on('error', (error) => {
      if (!request.destroyed) reject(error);
    });
  });
  assert.equal(firstChunk.rows, '30000');
  assert.ok(firstChunk.bytes > 0);

  const whole = await apiGet(server, `/export/${big.id}?from=2026-03-12&to=2026-03-12&format=ndjson`, bigKey);
  assert.equal((whole.body as string).trimEnd().split('\n').length, 30_000);
});
