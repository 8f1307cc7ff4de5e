import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addSite,
  postEvent,
  serverDefaults,
  startTestServer,
  storedEvents,
  type TestServer,
  tempDataDir,
} from './support/test-server.ts';

const purchase = {
  ...serverDefaults,
  event_type: 'custom',
  event_name: 'purchase',
  url: 'https://example.com/checkout/success',
  session_id: 'srv-dupes-01',
  properties: { order_id: 'ORD-1' },
};

function withId(eventId: string, extra: Record<string, unknown> = {}) {
  return { ...purchase, event_id: eventId, ...extra };
}

async function idsStored(server: TestServer, siteId: string): Promise<string[]> {
  return (await storedEvents(server, siteId)).map((row) => String(row.event_id));
}

test('the same (site, event_id) twice: the repeat is a 2xx duplicate and stored once', async () => {
  const server = await startTestServer();
  try {
    const site = await addSite(server, 'example.com');
    const first = await postEvent(server, site.trackingCode, withId('evt-0001'));
    assert.equal(first.status, 202);
    assert.deepEqual(first.body, { ok: true, duplicate: false });

    // A retry may differ in detail (a webhook retried later); the event id alone decides.
    server.clock.advance(60_000);
    const repeat = await postEvent(
      server,
      site.trackingCode,
      withId('evt-0001', { session_id: 'srv-retry-02' }),
    );
    assert.equal(repeat.status, 202);
    assert.deepEqual(repeat.body, { ok: true, duplicate: true });
    assert.deepEqual(await idsStored(server, site.id), ['evt-0001']);

    // Events without an event_id are never deduplicated.
    for (let i = 0; i < 2; i++)
      assert.equal((await postEvent(server, site.trackingCode, purchase)).status, 202);
    assert.equal((await storedEvents(server, site.id)).length, 3);
  } finally {
    await server.stop();
  }
});

test('concurrent copies of one event_id are stored once', async () => {
  const server = await startTestServer();
  try {
    const site = await addSite(server, 'example.com');
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => postEvent(server, site.trackingCode, withId('evt-race'))),
    );
    assert.deepEqual(
      responses.map((response) => response.status),
      Array(10).fill(202),
    );
    assert.equal(responses.filter((response) => response.body.duplicate === false).length, 1);
    assert.deepEqual(await idsStored(server, site.id), ['evt-race']);
  } finally {
    await server.stop();
  }
});

test('the same event_id on another site is not a duplicate', async () => {
  const server = await startTestServer();
  try {
    const one = await addSite(server, 'example.com');
    const two = await addSite(server, 'other.example');
    const onOne = await postEvent(server, one.trackingCode, withId('evt-shared'));
    const onTwo = await postEvent(server, two.trackingCode, withId('evt-shared'));
    assert.deepEqual(onOne.body, { ok: true, duplicate: false });
    assert.deepEqual(onTwo.body, { ok: true, duplicate: false });
    assert.deepEqual(await idsStored(server, one.id), ['evt-shared']);
    assert.deepEqual(await idsStored(server, two.id), ['evt-shared']);
  } finally {
    await server.stop();
  }
});

test('duplicates are recognised across a restart on the same data directory', async () => {
  const dataDir = tempDataDir();
  const first = await startTestServer({ dataDir });
  const site = await addSite(first, 'example.com');
  const other = await addSite(first, 'other.example');
  assert.deepEqual((await postEvent(first, site.trackingCode, withId('evt-restart'))).body, {
    ok: true,
    duplicate: false,
  });
  await first.stop();

  // A new process on the same file, 47 hours later: still inside the 48-hour window.
  const clock = first.clock;
  clock.advance(47 * 3_600_000);
  const second = await startTestServer({ dataDir, clock });
  try {
    const repeat = await postEvent(second, site.trackingCode, withId('evt-restart'));
    assert.equal(repeat.status, 202);
    assert.deepEqual(repeat.body, { ok: true, duplicate: true });
    const elsewhere = await postEvent(second, other.trackingCode, withId('evt-restart'));
    assert.deepEqual(elsewhere.body, { ok: true, duplicate: false }, 'another site is not a duplicate');
    const fresh = await postEvent(second, site.trackingCode, withId('evt-after-restart'));
    assert.deepEqual(fresh.body, { ok: true, duplicate: false });
    assert.deepEqual((await idsStored(second, site.id)).sort(), ['evt-after-restart', 'evt-restart']);
    assert.deepEqual(await idsStored(second, other.id), ['evt-restart']);
  } finally {
    await second.stop();
  }
});
