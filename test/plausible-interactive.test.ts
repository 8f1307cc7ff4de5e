/**
 * Plausible's `interactive: false` end to end (issue 20): sent to `POST /api/event` in both of its
 * forms (`interactive`, the script's `i`), read back through `POST /api/v2/query` and through our
 * own stats API, on the embedded DuckDB (visit rollup) and in scale-out mode on ClickHouse 18.16
 * (visit buckets). Our own `POST /e/{code}` takes the same optional boolean; anything else than a
 * boolean is refused on both. Expected numbers are worked out by hand in the comments.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../packages/server/src/clock.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { apiBase, apiRequest, assertApiOk, createKey } from './api-helpers.ts';
import { plausibleQuery, rows } from './plausible-client.ts';
import { missingService, type RunningService, startService } from './support/services.ts';
import {
  postEvent,
  readTestResponse,
  serverDefaults,
  startTestServer,
  storedEvents,
  type TestResponse,
  type TestServer,
} from './support/test-server.ts';

/** One browser per visit: the visitor hash (and so the server-assigned visit) differs by agent. */
const agent = (version: number) =>
  `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${version}.0.0.0 Safari/537.36`;

function postPlausible(server: TestServer, body: unknown, userAgent: string, text = false) {
  return fetch(`${server.url}/api/event`, {
    method: 'POST',
    headers: { 'content-type': text ? 'text/plain' : 'application/json', 'user-agent': userAgent },
    body: JSON.stringify(body),
  }).then(readTestResponse);
}

async function sendAt(server: TestServer, at: string, send: () => Promise<TestResponse>): Promise<void> {
  server.clock.set(Date.parse(at));
  const response = await send();
  assert.equal(response.status, 202, JSON.stringify(response.body));
}

/**
 * 2026-03-10 on dummy.site: A = a pageview, a non-interactive custom event sent by a server
 * library (`interactive: false`) and one sent as the script does (`i: false`, text/plain): a
 * bounce. B = a pageview and an interactive custom event: not a bounce. C = a pageview: a bounce.
 */
async function sendVisits(server: TestServer): Promise<void> {
  const url = (path: string) => `https://dummy.site${path}`;
  await sendAt(server, '2026-03-10T10:00:00Z', () =>
    postPlausible(server, { name: 'pageview', url: url('/'), domain: 'dummy.site' }, agent(120)),
  );
  await sendAt(server, '2026-03-10T10:01:00Z', () =>
    postPlausible(
      server,
      { name: 'Video played', url: url('/'), domain: 'dummy.site', interactive: false },
      agent(120),
    ),
  );
  await sendAt(server, '2026-03-10T10:02:00Z', () =>
    postPlausible(server, { n: 'Scrolled', u: url('/'), d: 'dummy.site', i: false }, agent(120), true),
  );
  await sendAt(server, '2026-03-10T11:00:00Z', () =>
    postPlausible(server, { name: 'pageview', url: url('/pricing'), domain: 'dummy.site' }, agent(121)),
  );
  await sendAt(server, '2026-03-10T11:02:00Z', () =>
    postPlausible(
      server,
      { name: 'Signup', url: url('/pricing'), domain: 'dummy.site', interactive: true },
      agent(121),
    ),
  );
  await sendAt(server, '2026-03-10T12:00:00Z', () =>
    postPlausible(server, { name: 'pageview', url: url('/'), domain: 'dummy.site' }, agent(122)),
  );
  server.clock.set(Date.parse('2026-03-10T18:00:00Z'));
}

const totalsQuery = {
  site_id: 'dummy.site',
  metrics: ['visits', 'pageviews', 'events', 'bounce_rate'],
  date_range: ['2026-03-10', '2026-03-10'],
};

function contract(open: () => Promise<{ server: TestServer; site: Site }>) {
  let server: TestServer;
  let site: Site;
  let key: string;
  before(async () => {
    ({ server, site } = await open());
    await sendVisits(server);
    key = await createKey(server);
  });

  /** Asks until all six events have landed (the scale-out spool ships in the background). */
  async function answered(query: object): Promise<unknown[][]> {
    for (let i = 0; ; i++) {
      const events = rows(await plausibleQuery(server.url, key, { ...totalsQuery, metrics: ['events'] }));
      if (events[0]?.[0] === 6 || i >= 150) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return rows(await plausibleQuery(server.url, key, query));
  }

  it('POST /api/v2/query: 3 visits, 6 events, A and C bounce (2/3 = 67 %)', async () => {
    assert.deepEqual(await answered(totalsQuery), [[3, 3, 6, 67]]);
    // Every custom event counts under its own name, the non-interactive ones too.
    assert.deepEqual(
      await answered({ ...totalsQuery, metrics: ['visitors', 'events'], dimensions: ['event:name'] }),
      [
        ['pageview', 3, 3],
        ['Scrolled', 1, 1],
        ['Signup', 1, 1],
        ['Video played', 1, 1],
      ],
    );
    // By entry page: / = A and C (both bounces), /pricing = B.
    assert.deepEqual(
      await answered({
        ...totalsQuery,
        metrics: ['visits', 'bounce_rate'],
        dimensions: ['visit:entry_page'],
      }),
      [
        ['/', 2, 100],
        ['/pricing', 1, 0],
      ],
    );
  });

  it('our stats API answers the same', async () => {
    await answered(totalsQuery);
    const data = assertApiOk(
      await apiRequest(server, 'POST', `${apiBase}/stats/query`, {
        key,
        body: {
          site_id: site.id,
          date_range: ['2026-03-10', '2026-03-10'],
          metrics: ['visits', 'pageviews', 'events', 'bounce_rate'],
        },
      }),
    );
    assert.deepEqual(data.results, [{ dimensions: [], metrics: [3, 3, 6, 67] }]);
  });

  it('a non-boolean interactive is refused, naming the field', async () => {
    const refused = await postPlausible(
      server,
      { name: 'Video played', url: 'https://dummy.site/', domain: 'dummy.site', interactive: 'false' },
      agent(123),
    );
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, 'VALIDATION_ERROR');
    assert.equal(refused.body.error, 'interactive: must be true or false.');
    const short = await postPlausible(
      server,
      { n: 'Video played', u: 'https://dummy.site/', d: 'dummy.site', i: 0 },
      agent(123),
      true,
    );
    assert.equal(short.status, 400);
    assert.equal(short.body.error, 'interactive: must be true or false.');
  });

  after(() => server.stop());
}

describe('interactive: false on the embedded DuckDB', () => {
  contract(async () => {
    const server = await startTestServer();
    return { server, site: await server.runtime.sites.add('dummy.site') };
  });
});

describe('interactive: false in scale-out mode (ClickHouse 18.16)', {
  skip: missingService('clickhouse', 'postgres'),
}, () => {
  const services: RunningService[] = [];
  contract(async () => {
    const [ch, postgres] = await Promise.all([startService('clickhouse'), startService('postgres')]);
    services.push(ch, postgres);
    const scale = {
      clickhouseUrl: `${ch.url}/?database=zenovay_quiet`,
      databaseUrl: postgres.url,
      redisUrl: null,
    };
    const server = await startTestServer({
      clock: new ManualClock(Date.parse('2026-03-10T09:00:00Z')),
      config: { scale },
    });
    return { server, site: await server.runtime.sites.add('dummy.site') };
  });
  after(async () => {
    await Promise.all(services.map((service) => service.destroy()));
  });
});

describe('our POST /e/{code}: the same optional boolean', () => {
  let server: TestServer;
  let site: Site;
  before(async () => {
    server = await startTestServer();
    site = await server.runtime.sites.add('own.example');
  });
  after(() => server.stop());

  const body = (extra: object) => ({
    ...serverDefaults,
    event_type: 'custom',
    event_name: 'Video played',
    url: 'https://own.example/',
    session_id: 'srv-own-visit-1',
    ...extra,
  });

  it('stores the flag (absent = true) and refuses anything but a boolean', async () => {
    const sent = [
      { ...body({}), event_type: 'pageview' },
      body({ interactive: false }),
      body({ event_name: 'Signup' }),
    ];
    for (const [i, event] of sent.entries()) {
      server.clock.set(Date.parse('2026-03-10T10:00:00Z') + i * 1000);
      const response = await postEvent(server, site.trackingCode, event);
      assert.equal(response.status, 202, JSON.stringify(response.body));
    }
    const refused = await postEvent(server, site.trackingCode, body({ interactive: 'no' }));
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body.error.fields, [{ field: 'interactive', reason: 'must be true or false' }]);
    const stored = await storedEvents(server, site.id);
    assert.deepEqual(
      stored.map((row) => [row.event_name, row.interactive]),
      [
        ['pageview', true],
        ['Video played', false],
        ['Signup', true],
      ],
    );
  });
});
