import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { createClient, serverDefaults, type ZenovayError } from '../packages/node/src/index.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { curlPageview, curlPurchase } from './support/spec-examples.ts';
import { addSite, postEvent, startTestServer, storedEvents, type TestServer } from './support/test-server.ts';

let server: TestServer;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startTestServer();
});
after(async () => {
  process.removeListener('unhandledRejection', onUnhandled);
  await server.stop();
  assert.deepEqual(unhandled, [], 'no promise of the SDK may reject unhandled');
});

const specDefaults = { os: 'Linux', user_agent: 'MyApp-Server/1.0' };

/** A stored row without the idempotency key (raw curl sends none; the SDK always sends one). */
function withoutEventId(row: Record<string, unknown>): Record<string, unknown> {
  const { event_id: _ignored, ...rest } = row;
  return rest;
}

const byEventType = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  String(a.event_type).localeCompare(String(b.event_type));

test('trackEvent and trackPageview store exactly what the spec curl examples store', async () => {
  // One site: the daily visitor hash covers the site, so rows of two sites could not be equal.
  const site = await addSite(server, 'spec.example.com');
  assert.equal((await postEvent(server, site.trackingCode, curlPurchase)).status, 202);
  assert.equal((await postEvent(server, site.trackingCode, curlPageview)).status, 202);

  const client = createClient({
    trackingCode: site.trackingCode,
    host: server.url,
    defaults: specDefaults,
  });
  const custom = await client.trackEvent('purchase', {
    url: curlPurchase.url,
    referrer: curlPurchase.referrer,
    sessionId: curlPurchase.session_id,
    properties: curlPurchase.properties,
  });
  const pageview = await client.trackPageview({
    url: curlPageview.url,
    referrer: curlPageview.referrer,
    sessionId: curlPageview.session_id,
  });
  await client.shutdown();
  assert.deepEqual(custom, { ok: true, status: 202, duplicate: false, eventId: custom.eventId });
  assert.equal(pageview.ok, true);

  const rows = await storedEvents(server, site.id);
  const raw = rows.filter((row) => row.event_id === '').sort(byEventType);
  const sdk = rows.filter((row) => row.event_id !== '').sort(byEventType);
  assert.equal(raw.length, 2);
  assert.deepEqual(sdk.map(withoutEventId), raw.map(withoutEventId));
  assert.deepEqual(
    sdk.map((row) => row.event_id),
    [custom.eventId, pageview.eventId],
  );
});

test('the default user agent is Zenovay-Node/<version> and passes the server bot filter', async () => {
  const site = await addSite(server, 'default-agent.example.com');
  const version = JSON.parse(fs.readFileSync('packages/node/package.json', 'utf8')).version;
  assert.equal(serverDefaults().user_agent, `Zenovay-Node/${version}`);
  const client = createClient({ trackingCode: site.trackingCode, host: server.url });
  const result = await client.trackPageview({ url: 'https://example.com/', sessionId: 'srv-default-agent' });
  await client.shutdown();
  assert.equal(result.ok, true, JSON.stringify(result));
  const [row] = await storedEvents(server, site.id);
  assert.equal(row?.device_type, 'server');
  assert.equal(row?.browser, 'server');
});

test('refusals other than 408/429/5xx are final after one try, reported once to onError', async () => {
  const site = await addSite(server, 'refusals.example.com');
  const errors: ZenovayError[] = [];
  const client = createClient({
    trackingCode: site.trackingCode,
    host: server.url,
    onError: (e) => errors.push(e),
  });
  const invalid = await client.trackEvent('x', { url: 'not a url', sessionId: 'short' });
  const bot = await client.trackPageview({
    url: 'https://e.com/',
    sessionId: 'srv-12345678',
    userAgent: 'curl/8.4',
  });
  const unknown = createClient({ trackingCode: 'ZV_nope', host: server.url, onError: (e) => errors.push(e) });
  const nowhere = await unknown.trackPageview({ url: 'https://e.com/', sessionId: 'srv-12345678' });
  await Promise.all([client.shutdown(), unknown.shutdown()]);
  assert.deepEqual(
    [invalid, bot, nowhere].map(({ ok, status, code }) => ({ ok, status, code })),
    [
      { ok: false, status: 400, code: 'VALIDATION_ERROR' },
      { ok: false, status: 403, code: 'BOT_DETECTED' },
      { ok: false, status: 404, code: 'UNKNOWN_TRACKING_CODE' },
    ],
  );
  assert.deepEqual(
    errors.map((e) => [e.code, e.attempts, e.eventId]),
    [
      ['VALIDATION_ERROR', 1, invalid.eventId],
      ['BOT_DETECTED', 1, bot.eventId],
      ['UNKNOWN_TRACKING_CODE', 1, nowhere.eventId],
    ],
  );
  assert.equal((await storedEvents(server, site.id)).length, 0);
});

test('an eventId sent twice (a redelivered webhook) is stored once and reported as duplicate', async () => {
  const site = await addSite(server, 'dupes.example.com');
  const client = createClient({ trackingCode: site.trackingCode, host: server.url });
  const options = { url: 'https://e.com/paid', sessionId: 'srv-evt-1234', eventId: 'evt_1Nq2x3y4z5' };
  const first = await client.trackEvent('purchase', options);
  const second = await client.trackEvent('purchase', options);
  await client.shutdown();
  assert.deepEqual([first.duplicate, second.duplicate], [false, true]);
  assert.deepEqual(
    (await storedEvents(server, site.id)).map((row) => row.event_id),
    ['evt_1Nq2x3y4z5'],
  );
});

test('a full queue answers QUEUE_FULL at once instead of dropping silently', async () => {
  const site: Site = await addSite(server, 'queue.example.com');
  const errors: string[] = [];
  const client = createClient({
    trackingCode: site.trackingCode,
    host: server.url,
    maxQueueSize: 3,
    onError: (e) => errors.push(e.code),
  });
  const results = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      client.trackPageview({ url: `https://e.com/${i}`, sessionId: 'srv-queue-1' }),
    ),
  );
  await client.shutdown();
  assert.deepEqual(
    results.map((r) => r.code ?? 'ok'),
    ['ok', 'ok', 'ok', 'QUEUE_FULL', 'QUEUE_FULL'],
  );
  assert.deepEqual(errors, ['QUEUE_FULL', 'QUEUE_FULL']);
  assert.equal((await storedEvents(server, site.id)).length, 3);
});

test('bad input and a closed client resolve ok:false; nothing throws', async () => {
  const site = await addSite(server, 'never-throws.example.com');
  const client = createClient({
    trackingCode: site.trackingCode,
    host: server.url,
    onError: () => {
      throw new Error('a hook that throws');
    },
  });
  // biome-ignore lint/suspicious/noExplicitAny: callers without types pass anything
  const loose = client as any;
  const bigint = await client.trackEvent('x', {
    url: 'https://e.com/',
    sessionId: 'srv-12345678',
    properties: { n: 10n as unknown as number },
  });
  const missing = await loose.trackEvent('x');
  const nothing = await loose.trackPageview();
  assert.deepEqual(
    [bigint.code, missing.code, nothing.code],
    ['INVALID_EVENT', 'INVALID_EVENT', 'INVALID_EVENT'],
  );
  assert.deepEqual(await client.shutdown(), { undelivered: 0 });
  const late = await client.trackPageview({ url: 'https://e.com/', sessionId: 'srv-12345678' });
  assert.deepEqual([late.ok, late.code], [false, 'CLIENT_CLOSED']);
});

test('a caller-supplied fetch is used instead of node:http', async () => {
  const site = await addSite(server, 'custom-fetch.example.com');
  const seen: string[] = [];
  const client = createClient({
    trackingCode: site.trackingCode,
    host: server.url,
    fetch: (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    },
  });
  const result = await client.trackPageview({ url: 'https://example.com/', sessionId: 'srv-custom-fetch' });
  await client.shutdown();
  assert.equal(result.ok, true);
  assert.deepEqual(seen, [`${server.url}/e/${site.trackingCode}`]);
});
