import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Site } from '../packages/server/src/store/types.ts';
import { assertRefusal } from './support/refusal-assert.ts';
import {
  postEvent,
  serverDefaults,
  startServerWithSite,
  storedEvents,
  type TestServer,
} from './support/test-server.ts';

const event = { ...serverDefaults, url: 'https://example.com/', session_id: 'srv-origin-01' };

let server: TestServer;
let site: Site;

before(async () => {
  ({ server, site } = await startServerWithSite());
});

after(() => server.stop());

function preflight(code: string, origin: string): Promise<Response> {
  return fetch(`${server.url}/e/${code}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });
}

test('UNKNOWN_TRACKING_CODE: a code no site has gets 404', async () => {
  assertRefusal(await postEvent(server, 'ZV_doesNotExist000000000', event), 'UNKNOWN_TRACKING_CODE');
  // A near miss of a real code is just as unknown.
  assertRefusal(await postEvent(server, `${site.trackingCode}x`, event), 'UNKNOWN_TRACKING_CODE');
});

test('ORIGIN_NOT_ALLOWED: an Origin of another domain gets 403, lookalikes included', async () => {
  for (const origin of [
    'https://evil.example',
    'https://example.com.evil.example',
    'https://notexample.com',
    'https://example.co',
    'null',
  ]) {
    const response = await postEvent(server, site.trackingCode, event, { origin });
    assertRefusal(response, 'ORIGIN_NOT_ALLOWED');
    // Readable by that page, so its console shows the code rather than a CORS failure.
    assert.equal(response.headers.get('access-control-allow-origin'), '*', origin);
  }
  assert.deepEqual(await storedEvents(server, site.id), []);
});

test('the site domain and its subdomains pass and get the CORS headers; no Origin passes too', async () => {
  const origins = ['https://example.com', 'https://www.example.com', 'http://shop.eu.example.com:8443'];
  for (const origin of origins) {
    const response = await postEvent(server, site.trackingCode, event, { origin });
    assert.equal(response.status, 202, origin);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
  }
  const serverCall = await postEvent(server, site.trackingCode, event);
  assert.equal(serverCall.status, 202, 'a server (no Origin header) is not refused');
  assert.equal((await storedEvents(server, site.id)).length, origins.length + 1);
});

test('CORS preflight: an allowed origin gets 204 with the CORS headers', async () => {
  const response = await preflight(site.trackingCode, 'https://www.example.com');
  assert.equal(response.status, 204);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  assert.match(response.headers.get('access-control-allow-methods') ?? '', /\bPOST\b/);
  assert.match(response.headers.get('access-control-allow-headers') ?? '', /content-type/i);
});

test('CORS preflight: another domain or an unknown code passes too; the POST itself is refused', async () => {
  // Refusing the preflight would hide the reason behind a CORS failure again.
  for (const [code, origin] of [
    [site.trackingCode, 'https://evil.example'],
    ['ZV_doesNotExist000000000', 'https://example.com'],
  ] as const) {
    const response = await preflight(code, origin);
    assert.equal(response.status, 204, `${code} from ${origin}`);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
  }
  assertRefusal(
    await postEvent(server, site.trackingCode, event, { origin: 'https://evil.example' }),
    'ORIGIN_NOT_ALLOWED',
  );
});

test('a refusal to an allowed origin still carries the CORS header, so the browser can read it', async () => {
  const response = await postEvent(server, site.trackingCode, '{}', { origin: 'https://www.example.com' });
  assertRefusal(response, 'VALIDATION_ERROR');
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
});

test('METHOD_NOT_ALLOWED: other methods on the ingest path name the allowed ones', async () => {
  for (const method of ['GET', 'PUT', 'DELETE']) {
    const response = await fetch(`${server.url}/e/${site.trackingCode}`, { method });
    assertRefusal({ status: response.status, body: await response.json() }, 'METHOD_NOT_ALLOWED');
    assert.equal(response.headers.get('allow'), 'POST, OPTIONS');
  }
});
