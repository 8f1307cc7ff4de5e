import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiGet, assertApiError, assertApiOk, createKey } from './api-helpers.ts';
import { addSite, startTestServer, type TestServer } from './support/test-server.ts';

let server: TestServer;
let key: string;
let otherKey: string;

before(async () => {
  server = await startTestServer({ config: { apiRateLimitPerMinute: 3 } });
  await addSite(server);
  key = await createKey(server);
  otherKey = await createKey(server);
});
after(() => server.stop());

test('per-key limit: N per minute, the N+1th gets 429 with Retry-After until the window ends', async () => {
  // Strangers first: failed authentication must not spend anyone's limit.
  for (let i = 0; i < 5; i++)
    assertApiError(await apiGet(server, '/websites', `zv_${'x'.repeat(43)}`), 401, 'UNAUTHORIZED');
  assertApiError(
    await apiGet(server, '/websites', key.replace(/.$/, key.endsWith('A') ? 'B' : 'A')),
    401,
    'UNAUTHORIZED',
  );

  for (const remaining of [2, 1, 0]) {
    const response = await apiGet(server, '/websites', key);
    assertApiOk(response);
    assert.equal(response.headers.get('x-ratelimit-limit'), '3');
    assert.equal(response.headers.get('x-ratelimit-remaining'), String(remaining));
    assert.equal(response.headers.get('x-ratelimit-reset'), '60');
    assert.equal(response.headers.get('retry-after'), null);
  }
  const refused = await apiGet(server, '/websites', key);
  assertApiError(refused, 429, 'RATE_LIMIT_EXCEEDED');
  assert.equal(refused.headers.get('retry-after'), '60');
  assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');

  assertApiOk(await apiGet(server, '/websites', otherKey)); // limits are per key

  server.clock.advance(59_000);
  const stillRefused = await apiGet(server, '/websites', key);
  assertApiError(stillRefused, 429, 'RATE_LIMIT_EXCEEDED');
  assert.equal(stillRefused.headers.get('retry-after'), '1');
  assert.equal(stillRefused.headers.get('x-ratelimit-reset'), '1');

  server.clock.advance(999);
  assertApiError(await apiGet(server, '/websites', key), 429, 'RATE_LIMIT_EXCEEDED');

  server.clock.advance(1); // exactly one minute after the window opened
  const fresh = await apiGet(server, '/websites', key);
  assertApiOk(fresh);
  assert.equal(fresh.headers.get('x-ratelimit-remaining'), '2');
});

test('the public OpenAPI document is not rate limited and needs no key', async () => {
  for (let i = 0; i < 5; i++) {
    const response = await apiGet(server, '/openapi.json');
    assert.equal(response.status, 200);
  }
});
