import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { ManualClock } from '../packages/server/src/clock.ts';
import { apiGet, assertApiError, assertApiOk, createKey } from './api-helpers.ts';
import {
  addSite,
  postJson,
  serverDefaults,
  startTestServer,
  stopAndRemove,
  type TestResponse,
} from './support/test-server.ts';

/** The monthly quota's headers of an answer, as numbers (NaN when absent). */
function monthly(response: TestResponse) {
  return {
    limit: Number(response.headers.get('x-ratelimit-monthly-limit')),
    remaining: Number(response.headers.get('x-ratelimit-monthly-remaining')),
    reset: Number(response.headers.get('x-ratelimit-monthly-reset')),
  };
}

test('N per calendar month (UTC): the N+1st is refused until the next month, keys count apart, strangers spend nothing', async () => {
  // One hour before April starts (UTC).
  const clock = new ManualClock(Date.parse('2026-03-31T23:00:00Z'));
  const server = await startTestServer({
    clock,
    config: { apiMonthlyLimit: 3, apiRateLimitPerMinute: 1_000 },
  });
  try {
    await addSite(server);
    const key = await createKey(server);
    const otherKey = await createKey(server);

    for (let i = 0; i < 5; i++) {
      const stranger = await apiGet(server, '/websites', `zv_${'x'.repeat(43)}`);
      assertApiError(stranger, 401, 'UNAUTHORIZED');
      assert.equal(stranger.headers.get('x-ratelimit-monthly-remaining'), null);
    }
    for (const remaining of [2, 1, 0]) {
      const response = await apiGet(server, '/websites', key);
      assertApiOk(response);
      assert.deepEqual(monthly(response), { limit: 3, remaining, reset: 3_600 });
      // The per-minute headers keep their meaning next to the monthly ones.
      assert.equal(response.headers.get('x-ratelimit-limit'), '1000');
    }
    const refused = await apiGet(server, '/websites', key);
    assertApiError(refused, 429, 'RATE_LIMIT_EXCEEDED');
    assert.equal(refused.headers.get('retry-after'), '3600', 'seconds until 2026-04-01T00:00:00Z');
    assert.deepEqual(monthly(refused), { limit: 3, remaining: 0, reset: 3_600 });
    // Every endpoint behind the key is refused, /usage included.
    assertApiError(await apiGet(server, '/usage', key), 429, 'RATE_LIMIT_EXCEEDED');

    // Another key has its own month.
    const usage = assertApiOk(await apiGet(server, '/usage', otherKey));
    assert.deepEqual(usage.rate_limit, { per_minute: 1_000, per_month: 3 });
    assert.equal(usage.requests_this_month, 1);

    clock.set(Date.parse('2026-03-31T23:59:59.500Z'));
    const stillRefused = await apiGet(server, '/websites', key);
    assertApiError(stillRefused, 429, 'RATE_LIMIT_EXCEEDED');
    assert.equal(stillRefused.headers.get('retry-after'), '1');

    clock.set(Date.parse('2026-04-01T00:00:00Z'));
    const fresh = await apiGet(server, '/websites', key);
    assertApiOk(fresh);
    assert.deepEqual(monthly(fresh), { limit: 3, remaining: 2, reset: 30 * 86_400 });
    const april = assertApiOk(await apiGet(server, '/usage', key));
    assert.equal(
      april.requests_this_month,
      2,
      'refused requests of March did not count, April starts at zero',
    );
    assert.deepEqual(april.period, { start: '2026-04-01', end: '2026-04-30' });
  } finally {
    await stopAndRemove(server);
  }
});

test('counts survive a restart; per-minute refusals and batch ingest do not spend the month', async () => {
  const clock = new ManualClock(Date.parse('2026-03-10T12:00:00Z'));
  const config = { apiMonthlyLimit: 5, apiRateLimitPerMinute: 2 };
  let server = await startTestServer({ clock, config });
  const dataDir = server.dataDir;
  try {
    const site = await addSite(server);
    const key = await createKey(server, { permissions: ['read', 'ingest'] });

    assertApiOk(await apiGet(server, '/websites', key));
    assertApiOk(await apiGet(server, '/websites', key));
    const perMinute = await apiGet(server, '/websites', key);
    assertApiError(perMinute, 429, 'RATE_LIMIT_EXCEEDED');
    assert.equal(perMinute.headers.get('retry-after'), '60');
    // The same key sends events through the authenticated batch ingest: not the read API's quota.
    const batch = await postJson(
      `${server.url}/api/v1/events`,
      { tracking_code: site.trackingCode, events: [{ url: 'https://example.com/', ...serverDefaults }] },
      { 'x-api-key': key },
    );
    assert.equal(batch.status, 200, JSON.stringify(batch.body));
    clock.advance(60_000);
    assert.equal(monthly(await apiGet(server, '/websites', key)).remaining, 2, 'three counted so far');

    await server.stop(); // a clean shutdown saves the counts
    server = await startTestServer({ clock, config, dataDir });

    const usage = assertApiOk(await apiGet(server, '/usage', key));
    assert.equal(usage.requests_this_month, 4, 'three before the restart, plus this one');
    assert.deepEqual(usage.rate_limit, { per_minute: 2, per_month: 5 });
    const last = await apiGet(server, '/websites', key);
    assertApiOk(last);
    assert.equal(monthly(last).remaining, 0);
    clock.advance(60_000);
    const refused = await apiGet(server, '/websites', key);
    assertApiError(refused, 429, 'RATE_LIMIT_EXCEEDED');
    assert.equal(
      refused.headers.get('retry-after'),
      String(Date.parse('2026-04-01T00:00:00Z') / 1000 - Date.parse('2026-03-10T12:02:00Z') / 1000),
    );
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
