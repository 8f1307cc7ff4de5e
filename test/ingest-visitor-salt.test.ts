import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postEventFrom } from './support/http-from.ts';
import {
  addSite,
  serverDefaults,
  startTestServer,
  storedEvents,
  tempDataDir,
} from './support/test-server.ts';

const pageview = { ...serverDefaults, url: 'https://example.com/', referrer: '' };

async function saltDays(server: Awaited<ReturnType<typeof startTestServer>>): Promise<string[]> {
  await server.runtime.eventsLoaded();
  const connection = await server.runtime.duckdb.connect();
  try {
    const reader = await connection.runAndReadAll('SELECT day FROM salts ORDER BY day');
    return reader.getRowObjectsJS().map((row) => String(row.day));
  } finally {
    connection.closeSync();
  }
}

test('the visitor hash is stable within a UTC day, across a restart, and changes with the day', async () => {
  const dataDir = tempDataDir();
  let server = await startTestServer({ dataDir });
  const site = await addSite(server, 'example.com');
  const clock = server.clock;
  const send = (sessionId: string, from: string, userAgent: string = serverDefaults.user_agent) =>
    postEventFrom(
      server,
      site.trackingCode,
      { ...pageview, session_id: sessionId, user_agent: userAgent },
      from,
    );
  const visitorOf = async (sessionId: string) => {
    const row = (await storedEvents(server, site.id)).find((item) => item.session_id === sessionId);
    assert.ok(row, `stored: ${sessionId}`);
    return String(row.visitor_id);
  };

  assert.equal((await send('session-day1-a', '127.0.0.2')).status, 202);
  assert.equal((await send('session-day1-b', '127.0.0.3')).status, 202);
  assert.equal((await send('session-day1-c', '127.0.0.2', 'OtherApp/2.0')).status, 202);
  const a = await visitorOf('session-day1-a');
  assert.notEqual(a, await visitorOf('session-day1-b'), 'another address is another visitor');
  assert.notEqual(a, await visitorOf('session-day1-c'), 'another agent is another visitor');
  assert.deepEqual(await saltDays(server), ['2026-03-10']);

  // A restart in the same day keeps the salt, so the same client is the same visitor.
  await server.stop();
  clock.advance(60 * 60_000);
  server = await startTestServer({ dataDir, clock });
  assert.equal((await send('session-day1-d', '127.0.0.2')).status, 202);
  assert.equal(await visitorOf('session-day1-d'), a);

  // The next UTC day: a new salt, the old one destroyed, and yesterday's hash cannot be recomputed.
  clock.set(Date.parse('2026-03-11T00:00:01Z'));
  assert.equal((await send('session-day2-a', '127.0.0.2')).status, 202);
  assert.notEqual(await visitorOf('session-day2-a'), a);
  assert.deepEqual(await saltDays(server), ['2026-03-11']);

  const row = (await storedEvents(server, site.id)).find((item) => item.session_id === 'session-day2-a');
  assert.equal(row?.referrer, '', 'an empty referrer is allowed and stored empty');
  assert.equal(row?.referrer_host, '');
  await server.stop();
});
