import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  addSite,
  postEvent,
  serverDefaults,
  startTestServer,
  type TestServer,
} from './support/test-server.ts';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});
after(() => server.stop());

async function live(code: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/e/live/${code}`, { headers });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

async function visit(trackingCode: string, visitorId: string, path = '/') {
  const response = await postEvent(server, trackingCode, {
    ...serverDefaults,
    session_id: `session-${visitorId}`,
    visitor_id: visitorId,
    url: `https://example.com${path}`,
  });
  assert.equal(response.status, 202);
}

test('live count: distinct visitors with an event in the last 5 minutes, cached for 2 s, CORS open', async () => {
  const site = await addSite(server, 'example.com');
  const other = await addSite(server, 'example.com');
  const t0 = server.clock.now();

  const empty = await live(site.trackingCode, { origin: 'https://anywhere.test' });
  assert.equal(empty.status, 200);
  assert.deepEqual(empty.body, { liveCount: 0, timestamp: new Date(t0).toISOString() });
  assert.equal(empty.headers.get('access-control-allow-origin'), '*');
  assert.ok(empty.headers.get('x-request-id'));

  await visit(site.trackingCode, 'visitor-one', '/a');
  await visit(site.trackingCode, 'visitor-one', '/b');
  await visit(site.trackingCode, 'visitor-two');
  await visit(other.trackingCode, 'visitor-three');

  assert.equal((await live(site.trackingCode)).body.liveCount, 0, 'the cached answer is reused within 2 s');
  server.clock.advance(2_000);
  assert.equal((await live(site.trackingCode)).body.liveCount, 2, 'two visitors, one of them twice');
  assert.equal((await live(other.trackingCode)).body.liveCount, 1, 'sites are counted apart');

  server.clock.set(t0 + 60_000);
  await visit(site.trackingCode, 'visitor-four');
  server.clock.set(t0 + 299_999);
  assert.equal((await live(site.trackingCode)).body.liveCount, 3, 'events 4:59.999 old still count');
  server.clock.set(t0 + 300_000 + 2_000);
  const later = await live(site.trackingCode);
  assert.equal(later.body.liveCount, 1, 'events older than 5 minutes no longer count');
  assert.equal(later.body.timestamp, new Date(t0 + 302_000).toISOString());
});

test('an unknown tracking code gets 404, still with CORS; the preflight answers 204', async () => {
  const unknown = await live('ZV_nope');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'UNKNOWN_TRACKING_CODE');
  assert.equal(unknown.headers.get('access-control-allow-origin'), '*');
  const preflight = await fetch(`${server.url}/e/live/ZV_any`, {
    method: 'OPTIONS',
    headers: { origin: 'https://a.test', 'access-control-request-method': 'GET' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
});
