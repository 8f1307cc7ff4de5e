import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Site } from '../packages/server/src/store/types.ts';
import { assertRefusal } from './support/refusal-assert.ts';
import {
  postEvent,
  readTestResponse,
  serverDefaults,
  startServerWithSite,
  stopAndRemove,
  type TestResponse,
  type TestServer,
} from './support/test-server.ts';

// Every answer under /e/ is readable cross-origin, refusals above all: a browser console must
// show the refusal's code, not "blocked by CORS policy". Real HTTP against the real service.

const origin = 'https://evil.example';
const event = { ...serverDefaults, url: 'https://example.com/', session_id: 'srv-cors-0001' };

let server: TestServer;
let site: Site;
/** A second service whose ingest limit is one request per window, for the 429. */
let strict: TestServer;
let strictSite: Site;

before(async () => {
  ({ server, site } = await startServerWithSite({ config: { maxBodyBytes: 1_024 } }));
  ({ server: strict, site: strictSite } = await startServerWithSite({
    config: { ingestLimits: [{ limit: 1, windowMs: 60_000 }] },
  }));
});

after(async () => {
  await stopAndRemove(server);
  await stopAndRemove(strict);
});

function assertReadable(response: TestResponse, what: string): void {
  assert.equal(response.headers.get('access-control-allow-origin'), '*', what);
  assert.equal(response.headers.get('access-control-allow-credentials'), null, 'no credentials, ever');
}

const post = (url: string, body: string, contentType: string) =>
  fetch(url, { method: 'POST', headers: { origin, 'content-type': contentType }, body }).then(
    readTestResponse,
  );

test('refusals of POST /e/{code} carry CORS headers: 404, 400, 403, 413, 415', async () => {
  const unknown = await postEvent(server, 'ZV_doesNotExist000000000', event, { origin });
  assertRefusal(unknown, 'UNKNOWN_TRACKING_CODE');
  assertReadable(unknown, '404 unknown code');

  const forbidden = await postEvent(server, site.trackingCode, event, { origin });
  assertRefusal(forbidden, 'ORIGIN_NOT_ALLOWED');
  assertReadable(forbidden, '403 origin');

  const allowed = { origin: 'https://example.com' };
  const invalid = await postEvent(server, site.trackingCode, { url: 'not a url' }, allowed);
  assert.ok(assertRefusal(invalid, 'VALIDATION_ERROR').length > 0);
  assertReadable(invalid, '400 validation');

  const badJson = await postEvent(server, site.trackingCode, '{"url":', allowed);
  assertRefusal(badJson, 'INVALID_JSON');
  assertReadable(badJson, '400 JSON');

  // A foreign origin is refused before its body is read, however large; from the site itself the
  // body parser refuses it, after the route's own checks ran.
  const tooLarge = await post(
    `${server.url}/e/${site.trackingCode}`,
    JSON.stringify({ ...event, padding: 'x'.repeat(2_000) }),
    'application/json',
  );
  assertRefusal(tooLarge, 'ORIGIN_NOT_ALLOWED');
  const tooLargeAllowed = await fetch(`${server.url}/e/${site.trackingCode}`, {
    method: 'POST',
    headers: { ...allowed, 'content-type': 'application/json' },
    body: JSON.stringify({ ...event, padding: 'x'.repeat(2_000) }),
  }).then(readTestResponse);
  assertRefusal(tooLargeAllowed, 'PAYLOAD_TOO_LARGE');
  assertReadable(tooLargeAllowed, '413');

  const wrongType = await fetch(`${server.url}/e/${site.trackingCode}`, {
    method: 'POST',
    headers: { ...allowed, 'content-type': 'application/xml' },
    body: '<event/>',
  }).then(readTestResponse);
  assertRefusal(wrongType, 'UNSUPPORTED_MEDIA_TYPE');
  assertReadable(wrongType, '415');
});

test('429 is readable and exposes Retry-After and the rate-limit headers to the page', async () => {
  const allowed = { origin: 'https://example.com' };
  assert.equal((await postEvent(strict, strictSite.trackingCode, event, allowed)).status, 202);
  const limited = await postEvent(strict, strictSite.trackingCode, event, allowed);
  assertRefusal(limited, 'RATE_LIMIT_EXCEEDED');
  assertReadable(limited, '429');
  assert.equal(limited.headers.get('retry-after'), '60');
  const exposed = (limited.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/,\s*/);
  for (const name of ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
    assert.ok(exposed.includes(name), `${name} is exposed: ${exposed.join(', ')}`);
  }
});

test('the whole /e/ prefix: unknown paths (a future heartbeat) and wrong methods are readable', async () => {
  const heartbeat = await post(`${server.url}/e/heartbeat/${site.trackingCode}`, '{}', 'application/json');
  // 404 today; a refusal of the heartbeat route once it exists. Readable either way.
  assert.ok(heartbeat.status >= 400, String(heartbeat.status));
  assert.equal(typeof heartbeat.body.error?.code, 'string');
  assertReadable(heartbeat, 'POST /e/heartbeat/…');

  const nested = await fetch(`${server.url}/e/a/b/c`, { headers: { origin } }).then(readTestResponse);
  assertRefusal(nested, 'NOT_FOUND');
  assertReadable(nested, 'GET /e/a/b/c');

  const wrongMethod = await fetch(`${server.url}/e/${site.trackingCode}`, {
    method: 'PUT',
    headers: { origin },
  }).then(readTestResponse);
  assertRefusal(wrongMethod, 'METHOD_NOT_ALLOWED');
  assertReadable(wrongMethod, 'PUT');
});

test('one preflight answer for every /e/ path: 204, POST and Content-Type allowed, no body', async () => {
  for (const path of [
    `/e/${site.trackingCode}`,
    '/e/ZV_doesNotExist000000000',
    `/e/heartbeat/${site.trackingCode}`,
    `/e/live/${site.trackingCode}`,
  ]) {
    const response = await fetch(`${server.url}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.equal(response.status, 204, path);
    assert.equal(response.headers.get('access-control-allow-origin'), '*', path);
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /\bPOST\b/, path);
    assert.match(response.headers.get('access-control-allow-headers') ?? '', /content-type/i, path);
    assert.equal(response.headers.get('access-control-max-age'), '86400', path);
    assert.equal(await response.text(), '', path);
  }
});

test('paths outside /e/ get no CORS headers (the REST API and the dashboard stay same-origin)', async () => {
  for (const path of ['/healthz', '/api/external/v1/websites', '/nothing-here']) {
    const response = await fetch(`${server.url}${path}`, { headers: { origin } });
    await response.arrayBuffer();
    assert.equal(response.headers.get('access-control-allow-origin'), null, path);
  }
});
