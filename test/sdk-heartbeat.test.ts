import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkHeartbeat, createClient } from '../packages/node/src/index.ts';
import { validateHeartbeat } from '../packages/server/src/ingest/heartbeat-validate.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { addSite, startTestServer, storedEvents, type TestServer } from './support/test-server.ts';

// @zenovay/node's heartbeat against the real server: a server-rendered reader app reports a
// pageview's engaged time and depth; what the client refuses before sending is what the server
// would refuse, field by field.
let server: TestServer;
let site: Site;
before(async () => {
  server = await startTestServer();
  site = await addSite(server, 'reader.example');
});
after(() => server.stop());

/** A fetch that counts the requests it passes on: "nothing sent" is then a count. */
function countingFetch() {
  const counter = { requests: 0 };
  const fetcher: typeof fetch = (input, init) => {
    counter.requests++;
    return fetch(input, init);
  };
  return { counter, fetcher };
}

async function engagementOf(sessionId: string): Promise<Array<Record<string, unknown>>> {
  await server.runtime.eventsLoaded();
  const connection = await server.runtime.duckdb.connect();
  try {
    const reader = await connection.runAndReadAll(
      'SELECT pageview_key, pathname, engaged_ms, scroll_max FROM engagement WHERE site_id = $1 AND session_id = $2',
      [site.id, sessionId],
    );
    return reader.getRowObjectsJS().map((row) => ({ ...row, engaged_ms: Number(row.engaged_ms) }));
  } finally {
    connection.closeSync();
  }
}

test('heartbeat() lands on the pageview of the same visit; a resend does not double the time', async () => {
  const { counter, fetcher } = countingFetch();
  const client = createClient({ trackingCode: site.trackingCode, host: server.url, fetch: fetcher });
  const sessionId = 'srv-reader-0001';
  const url = 'https://reader.example/story/42';
  assert.equal((await client.trackPageview({ url, sessionId })).ok, true);
  const beat = { url, sessionId, pageviewId: 'story-42-load-1', engagedMs: 45_000, scrollDepth: 70 };
  assert.deepEqual(await client.heartbeat(beat), { ok: true, status: 202 });
  assert.deepEqual(await client.heartbeat(beat), { ok: true, status: 202 });
  assert.deepEqual(await client.heartbeat({ ...beat, engagedMs: 90_000 }), { ok: true, status: 202 });
  assert.equal(counter.requests, 4);
  assert.deepEqual(await engagementOf(sessionId), [
    { pageview_key: 'story-42-load-1', pathname: '/story/42', engaged_ms: 90_000, scroll_max: 70 },
  ]);
  const events = (await storedEvents(server, site.id)).filter((row) => row.session_id === sessionId);
  assert.equal(events.length, 1, 'heartbeats are not events');
  await client.shutdown();
});

test('an invalid heartbeat is refused before sending, with the fields the server would name', async () => {
  const { counter, fetcher } = countingFetch();
  const client = createClient({ trackingCode: site.trackingCode, host: server.url, fetch: fetcher });
  const bad = { url: 'ftp://x', sessionId: 'short', pageviewId: '', engagedMs: 1.5, scrollDepth: 101 };
  const result = await client.heartbeat(bad);
  assert.equal(result.ok, false);
  assert.equal(result.status, 0);
  assert.equal(result.code, 'VALIDATION_ERROR');
  const expected = [
    { field: 'session_id', reason: 'must be at least 8 characters' },
    { field: 'pageview_id', reason: 'must not be empty' },
    { field: 'engaged_ms', reason: 'must be a whole number from 0 to 86400000' },
    { field: 'scroll_depth', reason: 'must be a whole number from 0 to 100' },
    { field: 'url', reason: 'must be an absolute URL such as https://example.com/page' },
  ];
  assert.deepEqual(result.fields, expected);
  assert.equal(counter.requests, 0, 'nothing was sent');
  // The server's own check of the same body names the same fields (it also requires user_agent,
  // which the client always sends).
  const checked = validateHeartbeat({
    url: bad.url,
    session_id: bad.sessionId,
    pageview_id: bad.pageviewId,
    engaged_ms: bad.engagedMs,
    scroll_depth: bad.scrollDepth,
    user_agent: 'Zenovay-Node/test',
  });
  assert.equal(checked.ok, false);
  if (!checked.ok) {
    assert.deepEqual(
      checked.fields.map((item) => item.field).sort(),
      expected.map((item) => item.field).sort(),
    );
  }
  assert.deepEqual(
    checkHeartbeat({
      ...bad,
      url: 'https://reader.example/',
      sessionId: 'srv-reader-0002',
      pageviewId: 'p',
      engagedMs: 1,
      scrollDepth: 1,
    }),
    [],
  );
  await client.shutdown();
});

test('the first-party proxy handler forwards z.engagement.js and heartbeats', async () => {
  const { upstreamPath } = await import('../packages/node/src/proxy/forward.ts');
  assert.deepEqual(upstreamPath('/zv/z.engagement.js'), {
    path: '/z.engagement.js',
    methods: ['GET', 'HEAD'],
  });
  assert.deepEqual(upstreamPath('/zv/z.js'), { path: '/z.js', methods: ['GET', 'HEAD'] });
  assert.deepEqual(upstreamPath('/zv/e/heartbeat/ZV_code-1'), {
    path: '/e/heartbeat/ZV_code-1',
    methods: ['POST', 'OPTIONS'],
  });
  assert.deepEqual(upstreamPath('/zv/e/ZV_code-1'), { path: '/e/ZV_code-1', methods: ['POST', 'OPTIONS'] });
  assert.equal(upstreamPath('/zv/e/heartbeat/a/b'), undefined);
});
