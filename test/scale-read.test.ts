import assert from 'node:assert/strict';
import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../packages/server/src/cli/main.ts';
import { ManualClock } from '../packages/server/src/clock.ts';
import type { EventRow } from '../packages/server/src/ingest/types.ts';
import { ClickHouseEventReader } from '../packages/server/src/store/clickhouse/event-reader.ts';
import { ClickHouseEventStore } from '../packages/server/src/store/clickhouse/event-store.ts';
import { DuckDbEventReader } from '../packages/server/src/store/duckdb/event-reader.ts';
import { DuckDbEventStore } from '../packages/server/src/store/duckdb/event-store.ts';
import { openDuckDb } from '../packages/server/src/store/duckdb/open.ts';
import type { EventReader, ExportedEvent } from '../packages/server/src/store/event-reader.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { apiGet, assertApiOk, createKey } from './api-helpers.ts';
import { eventRow, t0 } from './support/scale-rows.ts';
import { missingService, type RunningService, type ServiceName, startService } from './support/services.ts';
import {
  addSite,
  postEvent,
  serverDefaults,
  startTestServer,
  type TestServer,
  tempDataDir,
} from './support/test-server.ts';

const min = 60_000;
const hour = 60 * min;

/** Three visits on site-1 inside the hour around t0, one on site-2, one long before. */
const rows: EventRow[] = [
  eventRow({
    ts: t0 - 10 * min,
    sessionId: 'A',
    visitorId: 'V1',
    pathname: '/a',
    referrerHost: 'ref.example',
  }),
  eventRow({ ts: t0 - 9 * min + 123, sessionId: 'A', visitorId: 'V1', pathname: '/b', referrerHost: 'x' }),
  eventRow({
    ts: t0 - 8 * min,
    sessionId: 'A',
    visitorId: 'V1',
    eventType: 'custom',
    eventName: 'signup',
    pathname: '/b',
    propKeys: ['plan', 'src'],
    propValues: ['pro', 'it\'s \\ "odd"\n'],
    eventId: 'ev-3',
  }),
  eventRow({
    ts: t0 - 2 * min,
    sessionId: 'B',
    visitorId: 'V2',
    pathname: '/c',
    country: 'FR',
    city: 'Lyon',
  }),
  eventRow({
    ts: t0 - 1 * min,
    sessionId: 'C',
    visitorId: 'V3',
    eventType: 'custom',
    eventName: 'signup',
    propKeys: ['plan'],
    propValues: ['free'],
  }),
  eventRow({ ts: t0 - 1 * min, siteId: 'site-2', sessionId: 'D', visitorId: 'V4' }),
  eventRow({ ts: t0 - 40 * 24 * hour, sessionId: 'old', visitorId: 'V9' }),
];

async function exported(reader: EventReader, siteId: string, startMs: number, endMs: number) {
  const stream = await reader.streamEvents(siteId, startMs, endMs);
  const all: ExportedEvent[] = [];
  for await (const batch of stream.batches) all.push(...batch);
  return { rows: stream.rows, events: all.sort((a, b) => a.ts.localeCompare(b.ts)) };
}

type ReaderFactory = () => Promise<{ reader: EventReader; dispose: () => Promise<void> }>;

/** The EventReader contract: both backends answer every read identically. */
function readerContract(name: string, factory: ReaderFactory, skip?: string) {
  describe(`EventReader contract: ${name}`, { skip }, () => {
    let reader: EventReader;
    let dispose: () => Promise<void>;
    before(async () => {
      ({ reader, dispose } = await factory());
    });
    after(async () => dispose?.());

    test('live: distinct visitors in (since, until]', async () => {
      assert.equal(await reader.liveVisitors('site-1', t0 - 5 * min, t0), 2);
      assert.equal(await reader.liveVisitors('site-1', t0 - 2 * min, t0), 1, 'since is exclusive');
      assert.equal(await reader.liveVisitors('site-1', t0 - 20 * min, t0), 3);
      assert.equal(await reader.liveVisitors('nope', t0 - 5 * min, t0), 0);
    });

    test('usage: events and pageviews per site in the range, each event once', async () => {
      assert.deepEqual(await reader.usage(t0 - hour, t0 + hour), [
        { siteId: 'site-1', events: 5, pageviews: 3 },
        { siteId: 'site-2', events: 1, pageviews: 1 },
      ]);
    });

    test('visits: newest activity first, paged, with the total of the range', async () => {
      const first = await reader.recentVisits('site-1', t0 - hour, t0 + hour, { limit: 2, offset: 0 });
      assert.equal(first.total, 3);
      assert.deepEqual(
        first.visits.map((visit) => [visit.sessionId, visit.visitorId, visit.pageviews, visit.events]),
        [
          ['C', 'V3', 0, 1],
          ['B', 'V2', 1, 1],
        ],
      );
      assert.deepEqual([first.visits[0]!.entryPage, first.visits[0]!.exitPage], ['', '']);
      assert.deepEqual([first.visits[1]!.country, first.visits[1]!.city], ['FR', 'Lyon']);
      const second = await reader.recentVisits('site-1', t0 - hour, t0 + hour, { limit: 2, offset: 2 });
      assert.deepEqual(second.visits, [
        {
          visitorId: 'V1',
          sessionId: 'A',
          startedMs: t0 - 10 * min,
          lastMs: t0 - 8 * min,
          pageviews: 2,
          events: 3,
          entryPage: '/a',
          exitPage: '/b',
          referrerHost: 'ref.example',
          country: 'DE',
          region: '',
          city: '',
          device: 'desktop',
          browser: 'Firefox',
          os: 'Linux',
        },
      ]);
      assert.equal(second.total, 3);
      assert.deepEqual(await reader.recentVisits('site-1', t0 - hour, t0 + hour, { limit: 2, offset: 10 }), {
        visits: [],
        total: 3,
      });
    });

    test('property keys of one custom event, most used first', async () => {
      assert.deepEqual(await reader.propertyKeys('site-1', 'signup', t0 - hour, t0 + hour, 25), [
        'plan',
        'src',
      ]);
      assert.deepEqual(await reader.propertyKeys('site-1', 'signup', t0 - hour, t0 + hour, 1), ['plan']);
      assert.deepEqual(await reader.propertyKeys('site-1', 'other', t0 - hour, t0 + hour, 25), []);
    });

    test('export: the count, then every event of the range once, with ms timestamps and properties', async () => {
      const { rows: count, events } = await exported(reader, 'site-1', t0 - hour, t0 + hour);
      assert.equal(count, 5);
      assert.equal(events.length, 5);
      assert.deepEqual(
        events.map((event) => event.ts),
        [
          '2026-03-10T11:50:00.000Z',
          '2026-03-10T11:51:00.123Z',
          '2026-03-10T11:52:00.000Z',
          '2026-03-10T11:58:00.000Z',
          '2026-03-10T11:59:00.000Z',
        ],
      );
      const signup = events[2]!;
      assert.deepEqual(
        [signup.event_name, signup.event_id, [...signup.prop_keys], [...signup.prop_values]],
        ['signup', 'ev-3', ['plan', 'src'], ['pro', 'it\'s \\ "odd"\n']],
      );
      assert.equal(events[3]!.city, 'Lyon');
      const empty = await exported(reader, 'site-1', t0 + hour, t0 + 2 * hour);
      assert.deepEqual(empty, { rows: 0, events: [] });
    });
  });
}

readerContract('DuckDB (embedded)', async () => {
  const instance = await openDuckDb(tempDataDir());
  const store = await DuckDbEventStore.open(instance);
  await store.append(rows);
  return {
    reader: new DuckDbEventReader(instance),
    dispose: async () => {
      store.close();
      instance.closeSync();
    },
  };
});

const chSkip = missingService('clickhouse');
/** One server of each kind for this file, started on first use. */
const started = new Map<ServiceName, Promise<RunningService>>();
const service = (name: ServiceName) => {
  if (!started.has(name)) started.set(name, startService(name));
  return started.get(name)!;
};
after(async () => {
  for (const running of started.values()) await (await running).destroy();
});

readerContract(
  'ClickHouse',
  async () => {
    const target = { shardUrls: [(await service('clickhouse')).url], database: 'zenovay_read' };
    const store = await ClickHouseEventStore.open(target);
    await store.append(rows);
    // A replayed spool segment: the same rows again must not count twice.
    await store.append(rows);
    return { reader: new ClickHouseEventReader(target), dispose: async () => store.close() };
  },
  chSkip,
);

/** A browser-like dashboard client on one node: keeps its cookies and CSRF token. */
class DashboardClient {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(public server: TestServer) {}

  async call(method: 'GET' | 'POST', path: string, body?: unknown) {
    const response = await fetch(`${this.server.url}/api/dashboard${path}`, {
      method,
      headers: {
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(method === 'GET' ? {} : { 'x-csrf-token': this.csrf, 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body ?? {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [name = '', value = ''] = (cookie.split(';')[0] ?? '').split('=');
      this.cookies.set(name, value);
    }
    // biome-ignore lint/suspicious/noExplicitAny: responses are asserted on their shape
    const json: any = await response.json().catch(() => null);
    if (json?.csrf_token) this.csrf = json.csrf_token;
    return { status: response.status, body: json };
  }
}

/**
 * Two scale-out nodes: what one node ingests or writes (events, users, sessions, sign-in
 * attempts, CLI sites) the other reads, because no read goes to a node's own DuckDB file.
 */
describe('scale-out: every node reads the shared stores', {
  skip: missingService('redis', 'postgres', 'clickhouse'),
}, () => {
  const nodes: TestServer[] = [];
  let env: Record<string, string>;
  let site: Site;
  /** The first account, created by the CLI: it owns the sites nobody else does. */
  let owner = { email: 'owner@shared.example', password: '' };

  before(async () => {
    const [redis, postgres, ch] = await Promise.all([
      service('redis'),
      service('postgres'),
      service('clickhouse'),
    ]);
    const scale = {
      clickhouseUrl: `${ch.url}/?database=zenovay_shared`,
      databaseUrl: postgres.url,
      redisUrl: redis.url,
    };
    env = {
      ZENOVAY_CLICKHOUSE_URL: scale.clickhouseUrl,
      DATABASE_URL: scale.databaseUrl,
      REDIS_URL: redis.url,
    };
    nodes.push(await startTestServer({ clock: new ManualClock(t0), config: { scale } }));
    site = await addSite(nodes[0]!, 'shared.example');
    nodes.push(await startTestServer({ clock: new ManualClock(t0), config: { scale } }));
  });
  after(async () => {
    for (const node of nodes) await node.stop();
  });

  test('events sent to node 1 are live, listed and exported on node 2', async () => {
    const [one, two] = nodes as [TestServer, TestServer];
    for (const [n, visitor] of ['visitor-aaaa', 'visitor-bbbb', 'visitor-aaaa'].entries()) {
      const response = await postEvent(one, site.trackingCode, {
        ...serverDefaults,
        event_type: n === 2 ? 'custom' : 'pageview',
        ...(n === 2 ? { event_name: 'signup', properties: { plan: 'pro' } } : {}),
        url: `https://shared.example/p/${n}`,
        session_id: `session-${visitor}`,
        visitor_id: visitor,
      });
      assert.equal(response.status, 202, JSON.stringify(response.body));
    }
    // Node 1's spool ships to ClickHouse in the background: wait (bounded) until it has landed.
    const from = t0 - hour;
    for (let i = 0; i < 150; i++) {
      if ((await two.runtime.events.usage(from, t0 + hour))[0]?.events === 3) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const live = await fetch(`${two.url}/e/live/${site.trackingCode}`).then((response) => response.json());
    assert.equal(live.liveCount, 2);
    const key = await createKey(one, { siteId: site.id });
    const visitors = assertApiOk(await apiGet(two, `/analytics/${site.id}/visitors?range=7d`, key));
    assert.equal(visitors.pagination.total, 2);
    assert.deepEqual(visitors.visitors.map((visit: { pageviews: number }) => visit.pageviews).sort(), [1, 1]);
    const usage = assertApiOk(await apiGet(two, '/usage', key));
    assert.equal(usage.total_events, 3);
    const exported = await apiGet(two, `/export/${site.id}?from=2026-03-10&to=2026-03-10&format=ndjson`, key);
    assert.equal(exported.status, 200);
    assert.equal(exported.headers.get('x-export-rows'), '3');
    const lines = String(exported.body)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      lines.filter((line) => line.event_name === 'signup').map((line) => line.props),
      [{ plan: 'pro' }],
    );
  });

  test('the CLI with no server writes sites and users to PostgreSQL and exports from ClickHouse', async () => {
    const [one, two] = nodes as [TestServer, TestServer];
    const dataDir = tempDataDir();
    const cliEnv = { ...env, ZENOVAY_DATA_DIR: dataDir };
    const printed: string[] = [];
    const out = (text: string) => printed.push(text);
    assert.equal(await runCli(['sites', 'add', 'cli.example', '--json'], cliEnv, out), 0);
    const added = JSON.parse(printed.pop()!);
    assert.ok((await one.runtime.metadata.listSites()).some((item) => item.id === added.id));
    assert.equal(await runCli(['users', 'add', 'owner@shared.example', '--json'], cliEnv, out), 0);
    const user = JSON.parse(printed.pop()!);
    owner = { ...owner, password: user.password };
    assert.equal(
      (await two.runtime.accounts.authenticate('owner@shared.example', user.password))?.id,
      user.id,
    );
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    const args = [
      'export',
      '--site',
      site.id,
      '--from',
      '2026-03-10',
      '--to',
      '2026-03-10',
      '--format',
      'csv',
    ];
    assert.equal(await runCli(args, cliEnv, out, { stdout, stderr: new PassThrough() }), 0);
    assert.equal(text.trim().split('\n').length, 1 + 3, 'a header and the three events');
    assert.deepEqual(fs.readdirSync(dataDir), [], 'no DuckDB file in scale-out');
  });

  test('a session started on node 2 is valid on node 1; the property keys come from ClickHouse', async () => {
    const [one, two] = nodes as [TestServer, TestServer];
    const onTwo = new DashboardClient(two);
    await onTwo.call('GET', '/session');
    const login = await onTwo.call('POST', '/login', owner);
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const onOne = new DashboardClient(one);
    onOne.cookies = new Map(onTwo.cookies);
    const session = await onOne.call('GET', '/session');
    assert.equal(session.body.user?.email, owner.email);
    onOne.csrf = session.body.csrf_token;
    const keys = await onOne.call('POST', `/sites/${site.id}/property-keys`, {
      event: 'signup',
      date_range: '7d',
    });
    assert.deepEqual(keys.body, { keys: ['plan'] });
    const live = await onOne.call('GET', `/sites/${site.id}/live`);
    assert.deepEqual(live.body, { visitors: 2 });
  });

  test('sign-in attempts are counted across nodes (Redis): 10 in total, not 10 per node', async () => {
    // A fresh window: the sign-in above counted against this address too.
    for (const node of nodes) node.clock.advance(16 * min);
    const clients = nodes.map((node) => new DashboardClient(node));
    for (const client of clients) await client.call('GET', '/session');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const client = clients[i % 2]!;
      statuses.push(
        (await client.call('POST', '/login', { email: 'guessed@shared.example', password: `x${i}` })).status,
      );
    }
    assert.deepEqual(statuses, [...Array(10).fill(401), 429]);
  });
});
