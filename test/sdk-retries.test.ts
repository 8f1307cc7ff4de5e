import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from '../packages/node/src/index.ts';
import { type Fate, startFaultProxy } from './support/fault-proxy.ts';
import { freePort } from './support/ports.ts';
import { manualTiming } from './support/sdk-timing.ts';
import { addSite, startTestServer, storedEvents, type TestServer } from './support/test-server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.stop());

const event = { url: 'https://example.com/paid', sessionId: 'srv-retries-1' };

test('429 with Retry-After pauses sending for that long, then the same event_id is resent', async () => {
  const site = await addSite(server, 'retry-after.example.com');
  const seenAt: number[] = [];
  const fates: Fate[] = [{ kind: 'status', status: 429, retryAfter: '7' }, { kind: 'forward' }];
  const bodies: string[] = [];
  const proxy = await startFaultProxy(server.url, ({ index, body }) => {
    seenAt.push(server.clock.now());
    bodies.push(body);
    return fates[index] ?? { kind: 'forward' };
  });
  const timing = manualTiming(server.clock);
  const client = createClient({ trackingCode: site.trackingCode, host: proxy.url, timing });
  const result = await client.trackEvent('purchase', event);
  await client.shutdown();
  await proxy.close();
  assert.equal(result.ok, true);
  assert.equal(seenAt.length, 2);
  assert.ok(seenAt[1]! - seenAt[0]! >= 7_000, `resent after ${seenAt[1]! - seenAt[0]!} ms`);
  assert.equal(bodies[0], bodies[1], 'a retry resends the identical body, event_id included');
  assert.equal(JSON.parse(bodies[0]!).event_id, result.eventId);
});

test('503, 500, 408 and broken connections are retried with growing backoff; 400 is not', async () => {
  const site = await addSite(server, 'backoff.example.com');
  const fates: Fate[] = [
    { kind: 'status', status: 503 },
    { kind: 'status', status: 500 },
    { kind: 'status', status: 408 },
    { kind: 'forward-then-destroy' },
    { kind: 'forward' },
    { kind: 'status', status: 400 },
  ];
  const proxy = await startFaultProxy(server.url, ({ index }) => fates[index] ?? { kind: 'forward' });
  const timing = manualTiming(server.clock);
  const client = createClient({
    trackingCode: site.trackingCode,
    host: proxy.url,
    timing,
    rateLimit: false,
    backoff: { baseMs: 1_000, maxMs: 60_000 },
  });
  const first = await client.trackEvent('purchase', event);
  const second = await client.trackEvent('purchase', { ...event, eventId: 'second-event' });
  await client.shutdown();
  await proxy.close();
  // The fourth try reached the server before the socket was cut: the fifth is the duplicate.
  assert.deepEqual([first.ok, first.duplicate], [true, true]);
  assert.deepEqual([second.ok, second.status, second.code], [false, 400, 'HTTP_400']);
  assert.equal(proxy.stats.requests, 6);
  // Equal jitter: retry n waits between 1/2 and 1 times base * 2^(n-1).
  const waits = timing.requested;
  assert.equal(waits.length, 4, `waits ${waits}`);
  for (const [i, ms] of waits.entries()) {
    assert.ok(ms >= 500 * 2 ** i && ms <= 1_000 * 2 ** i, `wait ${i + 1}: ${ms}`);
  }
  assert.equal((await storedEvents(server, site.id)).length, 1);
});

test('an unreachable server: retries up to maxRetries, then NETWORK_ERROR', async () => {
  const port = await freePort(); // nothing listens here
  const timing = manualTiming(server.clock);
  const attempts: number[] = [];
  const client = createClient({
    trackingCode: 'ZV_unreachable',
    host: `http://127.0.0.1:${port}`,
    timing,
    maxRetries: 3,
    onError: (error) => attempts.push(error.attempts),
  });
  const result = await client.trackPageview(event);
  await client.shutdown();
  assert.deepEqual([result.ok, result.status, result.code], [false, 0, 'NETWORK_ERROR']);
  assert.deepEqual(attempts, [4]);
});

test('shutdown({timeoutMs}) gives up on a server that never answers and says what was lost', async () => {
  const site = await addSite(server, 'hang.example.com');
  const proxy = await startFaultProxy(server.url, () => ({ kind: 'hang' }));
  const client = createClient({ trackingCode: site.trackingCode, host: proxy.url });
  const pending = client.trackPageview(event);
  const outcome = await client.shutdown({ timeoutMs: 100 });
  const result = await pending;
  await proxy.close();
  assert.deepEqual(outcome, { undelivered: 1 });
  assert.deepEqual([result.ok, result.code], [false, 'SHUTDOWN_TIMEOUT']);
});

test('the client-side budget keeps a busy backend inside the server per-IP limits: no 429 at all', async () => {
  const limits = [
    { limit: 5, windowMs: 1_000 },
    { limit: 12, windowMs: 60_000 },
  ];
  const budgeted = await startTestServer({ config: { ingestLimits: limits } });
  try {
    const run = async (rateLimit: typeof limits | false) => {
      const site = await addSite(budgeted, `budget-${rateLimit === false}.example.com`);
      const retries: string[] = [];
      const client = createClient({
        trackingCode: site.trackingCode,
        host: budgeted.url,
        timing: manualTiming(budgeted.clock),
        rateLimit,
        debug: (line) => retries.push(line),
      });
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          client.trackPageview({ url: `https://e.com/${i}`, sessionId: 'srv-budget1' }),
        ),
      );
      await client.shutdown();
      budgeted.clock.advance(3_600_000); // a fresh window for the next run
      return {
        ok: results.filter((r) => r.ok).length,
        rateLimited: retries.filter((line) => line.includes('RATE_LIMIT_EXCEEDED')).length,
      };
    };
    assert.deepEqual(await run(limits), { ok: 30, rateLimited: 0 });
    // Control: without the budget the same load does meet the server's limit.
    const unbudgeted = await run(false);
    assert.equal(unbudgeted.ok, 30);
    assert.ok(unbudgeted.rateLimited > 0);
  } finally {
    await budgeted.stop();
  }
});
