import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { createClient } from '../packages/node/src/index.ts';
import { ApiKeyService } from '../packages/server/src/auth/key-service.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { startFaultProxy } from './support/fault-proxy.ts';
import { addSite, startTestServer, storedEvents, type TestServer } from './support/test-server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ config: { batchMaxBodyBytes: 8_192 } });
});
after(() => server.stop());

async function siteWithKey(domain: string): Promise<{ site: Site; apiKey: string }> {
  const site = await addSite(server, domain);
  const created = await new ApiKeyService(server.runtime.metadata, server.clock).create({
    siteId: site.id,
    permissions: ['ingest'],
  });
  return { site, apiKey: created.key };
}

test('batches: per-event results reach each caller; clientIp and timestamp are used, not stored', async () => {
  const { site, apiKey } = await siteWithKey('sdk-batch.example.com');
  const client = createClient({
    trackingCode: site.trackingCode,
    host: server.url,
    apiKey,
    flushIntervalMs: 5,
  });
  const hourAgo = new Date(server.clock.now() - 3_600_000);
  const [purchase, broken, view] = await Promise.all([
    client.trackEvent('purchase', {
      url: 'https://example.com/checkout/success',
      sessionId: 'browser-session-42',
      clientIp: '81.2.69.142',
      timestamp: hourAgo,
      properties: { value: 99.99, currency: 'USD' },
    }),
    client.trackEvent('purchase', { url: 'nope', sessionId: 'browser-session-42' }),
    client.trackPageview({
      url: 'https://example.com/',
      sessionId: 'browser-session-42',
      userAgent: 'curl/8',
    }),
  ]);
  await client.shutdown();
  assert.deepEqual(
    [purchase, broken, view].map(({ ok, status, code }) => [ok, status, code]),
    [
      [true, 202, undefined],
      [false, 400, 'VALIDATION_ERROR'],
      [false, 403, 'BOT_DETECTED'],
    ],
  );
  const [row] = await storedEvents(server, site.id);
  assert.equal(row?.event_id, purchase.eventId);
  assert.equal(row?.country, 'GB');
  assert.equal(row?.session_id, 'browser-session-42');
  assert.equal(row?.ts, hourAgo.toISOString().replace('Z', '000Z'));
  const stored = JSON.stringify(row, (_key, value: unknown) =>
    typeof value === 'bigint' ? `${value}` : value,
  );
  assert.ok(!stored.includes('81.2.69.142'), stored);
});

test('size- and time-triggered flushes; a 413 splits the batch until it fits', async () => {
  const { site, apiKey } = await siteWithKey('sdk-split.example.com');
  const sizes: number[] = [];
  const proxy = await startFaultProxy(server.url, ({ body }) => {
    sizes.push((JSON.parse(body) as { events: unknown[] }).events.length);
    return { kind: 'forward' };
  });
  const client = createClient({
    trackingCode: site.trackingCode,
    host: proxy.url,
    apiKey,
    batchSize: 100,
    flushIntervalMs: 60_000,
  });
  const padding = 'x'.repeat(200);
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      client.trackEvent('bulk', {
        url: `https://example.com/${i}`,
        sessionId: 'srv-bulk-01',
        properties: { padding },
      }),
    ),
  );
  // 100 events (~45 KB) went at once without waiting for the 60 s timer, were refused with 413
  // (the server takes 8 KB here), and were halved until each request fit.
  assert.equal(sizes[0], 100);
  assert.ok((proxy.stats.byStatus[413] ?? 0) >= 1);
  assert.ok(results.every((r) => r.ok));
  assert.equal((await storedEvents(server, site.id)).length, 100);

  // Fewer than a batch: sent by flush(), not held until the timer.
  sizes.length = 0;
  const late = client.trackPageview({ url: 'https://example.com/late', sessionId: 'srv-bulk-01' });
  await client.flush();
  assert.equal((await late).ok, true);
  assert.deepEqual(sizes, [1]);
  await client.shutdown();
  await proxy.close();
});

test('a script that just ends still delivers its pending batch (beforeExit)', async () => {
  const { site, apiKey } = await siteWithKey('sdk-exit.example.com');
  const sdk = path.resolve('packages/node/src/index.ts');
  // Asynchronous on purpose: the server runs in this process and must keep answering.
  const run = async (flushOnExit: boolean) => {
    const script = `
      const { createClient } = await import(${JSON.stringify(sdk)});
      const client = createClient({ trackingCode: process.env.CODE, host: process.env.HOST, apiKey: process.env.KEY,
        flushIntervalMs: 600000, flushOnExit: ${flushOnExit} });
      for (let i = 0; i < 3; i++) client.trackPageview({ url: 'https://example.com/exit/' + i, sessionId: 'srv-exit-${flushOnExit}' });
    `;
    await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, CODE: site.trackingCode, HOST: server.url, KEY: apiKey },
      timeout: 30_000,
    });
  };
  await run(true);
  await run(false);
  const rows = await storedEvents(server, site.id);
  // With the hook: all three stored. Without it (control): the process exits and they are lost.
  assert.deepEqual(
    rows.map((row) => row.session_id),
    ['srv-exit-true', 'srv-exit-true', 'srv-exit-true'],
  );
});
