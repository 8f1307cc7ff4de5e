/**
 * `ZENOVAY_VISIT_ROLLUP=off` (config `visitRollup: false`): the loader leaves `visits` alone, the
 * rollup is dropped and marked unbuilt so every read rebuilds visits from events, and a later
 * start with it on builds it again from the events. The answers are the same either way.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createKey } from './api-helpers.ts';
import { plausibleQuery, rows } from './plausible-client.ts';
import { postEvent, startTestServer, stopAndRemove, type TestServer } from './support/test-server.ts';

const browser = {
  device_type: 'desktop',
  browser: 'Firefox',
  os: 'Linux',
  user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
};

async function send(server: TestServer, code: string, at: string, session: string, path: string) {
  server.clock.set(Date.parse(at));
  const response = await postEvent(server, code, {
    ...browser,
    url: `https://switch.example${path}`,
    session_id: session,
    visitor_id: `visitor-${session}`,
    event_type: 'pageview',
  });
  assert.equal(response.status, 202, JSON.stringify(response.body));
}

async function rollupState(server: TestServer): Promise<{ built: unknown; visits: number }> {
  await server.runtime.eventsLoaded();
  const connection = await server.runtime.duckdb.connect();
  try {
    const built = (
      await connection.runAndReadAll("SELECT built FROM rollup_state WHERE name = 'visits'")
    ).getRowObjectsJS()[0]?.built;
    const visits = Number(
      (await connection.runAndReadAll('SELECT count(*) AS n FROM visits')).getRowObjectsJS()[0]?.n,
    );
    return { built, visits };
  } finally {
    connection.closeSync();
  }
}

/** visitors, visits, pageviews, bounce rate, duration and entry pages of 2026-03-04. */
async function answers(server: TestServer, key: string) {
  server.clock.set(Date.parse('2026-03-10T12:00:00Z'));
  const range = ['2026-03-04', '2026-03-04'];
  const top = await plausibleQuery(server.url, key, {
    site_id: 'switch.example',
    metrics: ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration'],
    date_range: range,
  });
  const entries = await plausibleQuery(server.url, key, {
    site_id: 'switch.example',
    metrics: ['visits'],
    date_range: range,
    dimensions: ['visit:entry_page'],
    order_by: [['visit:entry_page', 'asc']],
  });
  return { top: rows(top), entries: rows(entries) };
}

// Visit s1: /a then /b 90 s later; s2: /c alone (a bounce); s3: /a alone (a bounce).
// visitors 3, visits 3, pageviews 4, bounce rate 2/3 = 67 %, duration (90 + 0 + 0) / 3 = 30 s;
// entry pages /a (s1, s3) 2, /c 1.
const expected = {
  top: [[3, 3, 4, 67, 30]],
  entries: [
    ['/a', 2],
    ['/c', 1],
  ],
};

test('with the rollup off, reads rebuild visits from events; on again, it is rebuilt from them', async () => {
  const off = await startTestServer({ config: { visitRollup: false } });
  try {
    const site = await off.runtime.sites.add('switch.example');
    await send(off, site.trackingCode, '2026-03-04T10:00:00Z', 'session-1', '/a');
    await send(off, site.trackingCode, '2026-03-04T10:01:30Z', 'session-1', '/b');
    await send(off, site.trackingCode, '2026-03-04T11:00:00Z', 'session-2', '/c');
    await send(off, site.trackingCode, '2026-03-04T12:00:00Z', 'session-3', '/a');
    assert.deepEqual(await rollupState(off), { built: false, visits: 0 });
    assert.deepEqual(await answers(off, await createKey(off)), expected);
  } finally {
    await off.stop();
  }

  const on = await startTestServer({ dataDir: off.dataDir });
  try {
    // The loader stores nothing before the rebuild is done: once this event is loaded, it is.
    const site = (await on.runtime.sites.list()).find((s) => s.domain === 'switch.example');
    assert.ok(site);
    await send(on, site.trackingCode, '2026-03-05T09:00:00Z', 'session-4', '/d');
    assert.deepEqual(await rollupState(on), { built: true, visits: 4 });
    assert.deepEqual(await answers(on, await createKey(on)), expected);
  } finally {
    await stopAndRemove(on);
  }
});

test('a file whose rollup was built loses it when started with the rollup off', async () => {
  const on = await startTestServer();
  const site = await on.runtime.sites.add('switch.example');
  await send(on, site.trackingCode, '2026-03-04T10:00:00Z', 'session-1', '/a');
  assert.deepEqual(await rollupState(on), { built: true, visits: 1 });
  await on.stop();
  const off = await startTestServer({ dataDir: on.dataDir, config: { visitRollup: false } });
  try {
    assert.deepEqual(await rollupState(off), { built: false, visits: 0 });
  } finally {
    await stopAndRemove(off);
  }
});

test('ZENOVAY_VISIT_ROLLUP is on or off', async () => {
  const { loadConfig } = await import('../packages/server/src/config.ts');
  assert.equal(loadConfig({}).visitRollup, true);
  assert.equal(loadConfig({ ZENOVAY_VISIT_ROLLUP: 'off' }).visitRollup, false);
  assert.equal(loadConfig({ ZENOVAY_VISIT_ROLLUP: 'on' }).visitRollup, true);
  assert.throws(
    () => loadConfig({ ZENOVAY_VISIT_ROLLUP: 'no' }),
    /ZENOVAY_VISIT_ROLLUP must be on or off, got "no"/,
  );
});
