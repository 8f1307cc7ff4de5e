import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { utcDay } from '../packages/server/src/clock.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { postEventFrom, type RawResponse } from './support/http-from.ts';
import { assertRefusal } from './support/refusal-assert.ts';
import {
  addSite,
  serverDefaults,
  startServerWithSite,
  startTestServer,
  type TestServer,
} from './support/test-server.ts';

const event = { ...serverDefaults, url: 'https://example.com/', session_id: 'srv-rate-limit' };

// Each test sends from its own loopback address, so their budgets do not mix.
let server: TestServer;
let site: Site;

before(async () => {
  ({ server, site } = await startServerWithSite()); // the spec's limits: 60 per 10 s, 5,000 per hour
});

after(() => server.stop());

function send(from: string, target: TestServer = server, code = site.trackingCode): Promise<RawResponse> {
  return postEventFrom(target, code, event, from);
}

function rateHeaders(response: RawResponse) {
  return {
    limit: response.headers['x-ratelimit-limit'],
    remaining: response.headers['x-ratelimit-remaining'],
    reset: response.headers['x-ratelimit-reset'],
    retryAfter: response.headers['retry-after'],
  };
}

test('60 requests in 10 s pass; the 61st gets 429 with Retry-After and X-RateLimit-*', async () => {
  const from = '127.0.0.2';
  const start = server.clock.now();
  for (let i = 0; i < 60; i++) {
    const response = await send(from);
    assert.equal(response.status, 202, `request ${i + 1}`);
    assert.deepEqual(rateHeaders(response), {
      limit: '60',
      remaining: String(59 - i),
      reset: String(Math.ceil((10_000 - i * 100) / 1000)), // seconds until the window ends
      retryAfter: undefined,
    });
    server.clock.advance(100); // 60 requests spread over the first 6 s
  }
  const refused = await send(from);
  assertRefusal({ status: refused.status, body: refused.body }, 'RATE_LIMIT_EXCEEDED');
  assert.deepEqual(rateHeaders(refused), { limit: '60', remaining: '0', reset: '4', retryAfter: '4' });

  server.clock.set(start + 9_999); // one millisecond before the window ends: still refused
  const stillRefused = await send(from);
  assert.equal(stillRefused.status, 429);
  assert.equal(stillRefused.headers['retry-after'], '1');

  server.clock.set(start + 10_000); // the window has ended
  const again = await send(from);
  assert.equal(again.status, 202);
  assert.equal(again.headers['x-ratelimit-remaining'], '59');
});

test('different source addresses have separate budgets', async () => {
  for (let i = 0; i < 60; i++) assert.equal((await send('127.0.0.3')).status, 202);
  assert.equal((await send('127.0.0.3')).status, 429);
  const other = await send('127.0.0.4');
  assert.equal(other.status, 202, 'another address is not affected');
  assert.equal(other.headers['x-ratelimit-remaining'], '59');
  assert.equal((await send('127.0.0.3')).status, 429, 'the limited address stays limited');
});

test('the budget is per address, not per site', async () => {
  const second = await addSite(server, 'second.example');
  for (let i = 0; i < 30; i++) assert.equal((await send('127.0.0.5')).status, 202);
  for (let i = 0; i < 30; i++)
    assert.equal((await send('127.0.0.5', server, second.trackingCode)).status, 202);
  assert.equal((await send('127.0.0.5', server, second.trackingCode)).status, 429);
});

test('rate-limit refusals are counted for the site', async () => {
  const counted = await addSite(server, 'counted.example');
  for (let i = 0; i < 60; i++) await send('127.0.0.6', server, counted.trackingCode);
  for (let i = 0; i < 3; i++)
    assert.equal((await send('127.0.0.6', server, counted.trackingCode)).status, 429);
  await server.runtime.refusals.flush();
  const counts = await server.runtime.metadata.refusals(utcDay(server.clock.now()), counted.id);
  assert.deepEqual(
    counts.map(({ reason, count }) => ({ reason, count })),
    [{ reason: 'RATE_LIMIT_EXCEEDED', count: 3 }],
  );
});

test('the hourly limit holds across burst windows and resets after the hour', async () => {
  const hourly = await startTestServer({
    config: {
      ingestLimits: [
        { limit: 5, windowMs: 10_000 },
        { limit: 12, windowMs: 3_600_000 },
      ],
    },
  });
  try {
    const hourlySite = await addSite(hourly, 'example.com');
    const from = '127.0.0.7';
    const start = hourly.clock.now();
    const sendHere = () => send(from, hourly, hourlySite.trackingCode);
    let accepted = 0;
    for (let burst = 0; burst < 3; burst++) {
      for (let i = 0; i < 5; i++) if ((await sendHere()).status === 202) accepted++;
      hourly.clock.advance(10_000);
    }
    assert.equal(accepted, 12, 'three bursts of 5 are capped at 12 by the hourly rule');

    const refused = await sendHere();
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'RATE_LIMIT_EXCEEDED');
    // 30 s into the hour: the burst window is fresh, so the hourly rule is what refuses.
    assert.deepEqual(rateHeaders(refused), {
      limit: '12',
      remaining: '0',
      reset: String(3_600 - 30),
      retryAfter: String(3_600 - 30),
    });

    hourly.clock.set(start + 3_600_000);
    assert.equal((await sendHere()).status, 202, 'a new hour, a new budget');
  } finally {
    await hourly.stop();
  }
});
