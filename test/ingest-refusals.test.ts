import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { utcDay } from '../packages/server/src/clock.ts';
import { eventLimits } from '../packages/server/src/ingest/limits.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { requestFrom } from './support/http-from.ts';
import { assertRefusal } from './support/refusal-assert.ts';
import {
  addSite,
  postEvent,
  serverDefaults,
  startServerWithSite,
  storedEvents,
  type TestServer,
} from './support/test-server.ts';

const valid = { ...serverDefaults, url: 'https://example.com/', session_id: 'srv-session-01' };

let server: TestServer;
let site: Site;

before(async () => {
  ({ server, site } = await startServerWithSite());
});

after(() => server.stop());

test('INVALID_JSON: a body that is not JSON, truncated JSON, or empty', async () => {
  for (const raw of ['not json', '{"url": "https://example.com/"', '']) {
    assertRefusal(await postEvent(server, site.trackingCode, raw), 'INVALID_JSON');
  }
  assertRefusal(
    await postEvent(server, site.trackingCode, '{oops}', { 'content-type': 'text/plain' }),
    'INVALID_JSON',
  );
});

test('NOT_AN_OBJECT: arrays, strings, numbers, booleans and null', async () => {
  for (const raw of ['[]', '[{"url":"https://example.com/"}]', '"text"', '42', 'true', 'null']) {
    assertRefusal(await postEvent(server, site.trackingCode, raw), 'NOT_AN_OBJECT');
  }
});

test('VALIDATION_ERROR lists every missing required field', async () => {
  const fields = assertRefusal(await postEvent(server, site.trackingCode, {}), 'VALIDATION_ERROR');
  assert.deepEqual(fields.map((item) => item.field).sort(), [
    'browser',
    'device_type',
    'os',
    'session_id',
    'url',
    'user_agent',
  ]);
  for (const item of fields) assert.equal(item.reason, 'is required', item.field);

  const partial = assertRefusal(
    await postEvent(server, site.trackingCode, { url: 'https://example.com/', os: 'Linux' }),
    'VALIDATION_ERROR',
  );
  assert.deepEqual(partial.map((item) => item.field).sort(), [
    'browser',
    'device_type',
    'session_id',
    'user_agent',
  ]);
});

test('VALIDATION_ERROR gives each wrong field with its reason, all in one answer', async () => {
  const body = {
    session_id: 'short',
    url: 'not a url',
    device_type: '',
    browser: 42,
    os: ['Linux'],
    user_agent: 'MyApp-Server/1.0',
    referrer: 'ftp://example.com/file',
    visitor_id: 'tiny',
    event_type: 'click',
    properties: { nested: { no: true }, list: [1], nothing: null, ok: 'fine' },
  };
  const fields = assertRefusal(await postEvent(server, site.trackingCode, body), 'VALIDATION_ERROR');
  const reasons = Object.fromEntries(fields.map((item) => [item.field, item.reason]));
  assert.deepEqual(reasons, {
    session_id: 'must be at least 8 characters',
    url: 'must be an absolute URL such as https://example.com/page',
    device_type: 'must not be empty',
    browser: 'must be a string',
    os: 'must be a string',
    referrer: 'must be an http or https URL',
    visitor_id: 'must be at least 8 characters',
    event_type: 'must be "pageview" or "custom"',
    'properties.nested': 'must be a string, number or boolean (no nesting, no null)',
    'properties.list': 'must be a string, number or boolean (no nesting, no null)',
    'properties.nothing': 'must be a string, number or boolean (no nesting, no null)',
  });
});

test('VALIDATION_ERROR: custom events need a name; properties must be a flat object within caps', async () => {
  const noName = assertRefusal(
    await postEvent(server, site.trackingCode, { ...valid, event_type: 'custom' }),
    'VALIDATION_ERROR',
  );
  assert.deepEqual(noName, [{ field: 'event_name', reason: 'is required when event_type is "custom"' }]);

  const notObject = assertRefusal(
    await postEvent(server, site.trackingCode, { ...valid, properties: ['a'] }),
    'VALIDATION_ERROR',
  );
  assert.deepEqual(notObject, [
    { field: 'properties', reason: 'must be an object of string, number or boolean values' },
  ]);

  const manyKeys = Object.fromEntries(
    Array.from({ length: eventLimits.propertiesMaxKeys + 1 }, (_, i) => [`k${i}`, i]),
  );
  const tooMany = assertRefusal(
    await postEvent(server, site.trackingCode, { ...valid, properties: manyKeys }),
    'VALIDATION_ERROR',
  );
  assert.deepEqual(tooMany, [
    { field: 'properties', reason: `must have at most ${eventLimits.propertiesMaxKeys} keys` },
  ]);
});

test('VALIDATION_ERROR names each over-long string field', async () => {
  const cases: Array<[string, Record<string, unknown>, number]> = [
    ['session_id', { session_id: 's'.repeat(eventLimits.sessionIdMax + 1) }, eventLimits.sessionIdMax],
    ['user_agent', { user_agent: `MyApp/${'x'.repeat(eventLimits.userAgentMax)}` }, eventLimits.userAgentMax],
    ['browser', { browser: 'b'.repeat(eventLimits.shortFieldMax + 1) }, eventLimits.shortFieldMax],
    ['url', { url: `https://example.com/${'p'.repeat(eventLimits.urlMax)}` }, eventLimits.urlMax],
    [
      'referrer',
      { referrer: `https://example.com/${'r'.repeat(eventLimits.referrerMax)}` },
      eventLimits.referrerMax,
    ],
    ['event_id', { event_id: 'e'.repeat(eventLimits.eventIdMax + 1) }, eventLimits.eventIdMax],
    ['visitor_id', { visitor_id: 'v'.repeat(eventLimits.visitorIdMax + 1) }, eventLimits.visitorIdMax],
    [
      'event_name',
      { event_type: 'custom', event_name: 'n'.repeat(eventLimits.eventNameMax + 1) },
      eventLimits.eventNameMax,
    ],
    [
      'properties.note',
      { properties: { note: 'x'.repeat(eventLimits.propertyValueMax + 1) } },
      eventLimits.propertyValueMax,
    ],
  ];
  for (const [field, override, max] of cases) {
    const fields = assertRefusal(
      await postEvent(server, site.trackingCode, { ...valid, ...override }),
      'VALIDATION_ERROR',
    );
    assert.deepEqual(fields, [{ field, reason: `must be at most ${max} characters` }], field);
  }
  const longKey = 'k'.repeat(eventLimits.propertyKeyMax + 1);
  const keyFields = assertRefusal(
    await postEvent(server, site.trackingCode, { ...valid, properties: { [longKey]: 1 } }),
    'VALIDATION_ERROR',
  );
  assert.equal(keyFields.length, 1);
  assert.ok(keyFields[0]!.field.startsWith('properties.k'), 'the over-long key is named');
});

test('BOT_DETECTED: a generic client user agent gets 403', async () => {
  for (const agent of [
    'curl/8.5.0',
    'python-requests/2.31.0',
    'Googlebot/2.1 (+http://www.google.com/bot.html)',
  ]) {
    assertRefusal(
      await postEvent(server, site.trackingCode, { ...valid, user_agent: agent }),
      'BOT_DETECTED',
    );
  }
});

test('PAYLOAD_TOO_LARGE: a body over 32 KiB, with a length or chunked', async () => {
  const padding = 'x'.repeat(32 * 1024);
  const big = JSON.stringify({ ...valid, properties: { pad: padding } });
  assertRefusal(await postEvent(server, site.trackingCode, big), 'PAYLOAD_TOO_LARGE');
  const chunked = await requestFrom(server, {
    path: `/e/${site.trackingCode}`,
    body: big,
    headers: { 'transfer-encoding': 'chunked' },
  });
  assertRefusal(chunked, 'PAYLOAD_TOO_LARGE');
});

test('UNSUPPORTED_MEDIA_TYPE: form posts and other types', async () => {
  for (const type of [
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
  ]) {
    const response = await postEvent(server, site.trackingCode, JSON.stringify(valid), {
      'content-type': type,
    });
    assertRefusal(response, 'UNSUPPORTED_MEDIA_TYPE');
  }
});

test('nothing refused above was stored', async () => {
  assert.deepEqual(await storedEvents(server, site.id), []);
});

test('a body of exactly 32 KiB is within the cap and stored', async () => {
  // Fill with full-size properties until less than one value is left to reach the cap exactly.
  const properties: Record<string, string> = {};
  const size = () => JSON.stringify({ ...valid, session_id: 'srv-at-the-cap', properties }).length;
  for (let i = 0; size() + eventLimits.propertyValueMax + 10 < 32 * 1024; i++) {
    properties[`p${i}`] = 'x'.repeat(eventLimits.propertyValueMax);
  }
  const missing = 32 * 1024 - size();
  properties.last = 'x'.repeat(missing - '"last":"",'.length);
  const atCap = JSON.stringify({ ...valid, session_id: 'srv-at-the-cap', properties });
  assert.equal(Buffer.byteLength(atCap), 32 * 1024);
  const response = await postEvent(server, site.trackingCode, atCap);
  assert.equal(response.status, 202, JSON.stringify(response.body));
  assert.equal((await storedEvents(server, site.id)).length, 1);
});

test('refusals are counted per site, day and reason and can be read back', async () => {
  const counted = await addSite(server, 'counted.example');
  const send = (body: unknown) => postEvent(server, counted.trackingCode, body);
  await send('nope');
  await send('[]');
  await send({});
  await send({ ...valid, url: 'https://counted.example/' });
  await send({ ...valid, user_agent: 'Wget/1.21' });
  await send({ ...valid, user_agent: 'curl/8.0' });
  await postEvent(server, counted.trackingCode, valid, { origin: 'https://evil.example' });
  await postEvent(server, 'ZV_no_such_code', valid);
  await send(JSON.stringify({ ...valid, pad: 'x'.repeat(33 * 1024) }));
  await postEvent(server, counted.trackingCode, 'a=b', {
    'content-type': 'application/x-www-form-urlencoded',
  });

  await server.runtime.refusals.flush();
  const day = utcDay(server.clock.now());
  const counts = await server.runtime.metadata.refusals(day, counted.id);
  assert.deepEqual(
    counts.map(({ reason, count, day: countDay }) => ({ reason, count, day: countDay })),
    [
      { reason: 'BOT_DETECTED', count: 2, day },
      { reason: 'INVALID_JSON', count: 1, day },
      { reason: 'NOT_AN_OBJECT', count: 1, day },
      { reason: 'ORIGIN_NOT_ALLOWED', count: 1, day },
      { reason: 'PAYLOAD_TOO_LARGE', count: 1, day },
      { reason: 'UNSUPPORTED_MEDIA_TYPE', count: 1, day },
      { reason: 'VALIDATION_ERROR', count: 1, day },
    ],
  );
  const unknown = await server.runtime.metadata.refusals(day, '');
  assert.ok(
    unknown.some((item) => item.reason === 'UNKNOWN_TRACKING_CODE' && item.count >= 1),
    'unknown tracking codes are counted under the empty site id',
  );
  assert.equal((await storedEvents(server, counted.id)).length, 1, 'only the valid event was stored');

  // The next UTC day counts in its own row; earlier flushes are added to, not replaced.
  server.clock.advance(24 * 3_600_000);
  await send({ ...valid, user_agent: 'curl/8.0' });
  await server.runtime.refusals.flush();
  const nextDay = utcDay(server.clock.now());
  const bots = (await server.runtime.metadata.refusals(day, counted.id)).filter(
    (item) => item.reason === 'BOT_DETECTED',
  );
  assert.deepEqual(
    bots.map((item) => [item.day, item.count]),
    [
      [day, 2],
      [nextDay, 1],
    ],
  );
});
