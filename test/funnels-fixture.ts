/**
 * The shared funnel fixture: visitors whose answers are worked out by hand in the comments, stored
 * through the real event store of DuckDB or ClickHouse. Times are UTC; the site is a UTC site.
 * The funnel: /pricing (page) → Signup (event) → Purchase (revenue goal, USD), window 1 hour.
 * Events are stored in a shuffled order (later events first), so nothing relies on arrival order.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDbChainMethod } from '../packages/server/src/funnels/chain-duckdb.ts';
import {
  createClickHouseFunnelEngine,
  createDuckDbFunnelEngine,
} from '../packages/server/src/funnels/engines.ts';
import type { FunnelEngine } from '../packages/server/src/funnels/funnel-engine.ts';
import type { Goal } from '../packages/server/src/goals/types.ts';
import type { EventRow } from '../packages/server/src/ingest/types.ts';
import { connectClickHouse } from '../packages/server/src/store/clickhouse/connect.ts';
import { ClickHouseEventStore } from '../packages/server/src/store/clickhouse/event-store.ts';
import type { ClickHouseTarget } from '../packages/server/src/store/clickhouse/target.ts';
import { DuckDbEventStore } from '../packages/server/src/store/duckdb/event-store.ts';
import { openDuckDb } from '../packages/server/src/store/duckdb/open.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { event } from './stats-fixture-events.ts';
import { missingChdb } from './support/chdb.ts';
import { ChdbServer } from './support/chdb-client.ts';
import { missingService, type RunningService, startService } from './support/services.ts';

export const funnelSite: Site = {
  id: 'site-f',
  domain: 'shop.test',
  name: 'Shop',
  trackingCode: 'code-f',
  timezone: 'UTC',
  createdAt: '2026-01-01T00:00:00.000Z',
};

export const purchaseGoal: Goal = {
  id: 'g_purchase',
  siteId: funnelSite.id,
  name: 'Purchase',
  kind: 'event',
  eventName: 'Purchase',
  pagePath: null,
  properties: [],
  currency: 'USD',
  createdAt: '2026-01-01T00:00:00.000Z',
};

/** 1.1 USD per EUR on the day of V7's EUR purchase. */
export const funnelFx = [
  { day: '2026-03-02', currency: 'USD', perEur: 1.1 },
  { day: '2026-03-02', currency: 'EUR', perEur: 1 },
];

const day = '2026-03-02';
const at = (time: string) => `${day}T${time}Z`;
const mobileGoogle = { ref: 'www.google.com', tech: ['mobile', 'Safari', 'iOS'] as [string, string, string] };
const usd = (amount: number) => [String(amount * 10_000), 'USD'] as const;

function visit(
  visitor: string,
  steps: Array<[time: string, what: string, extra?: Partial<Parameters<typeof event>[0]>]>,
) {
  return steps.map(([time, what, extra]) =>
    event({
      at: time.includes('T') ? time : at(time),
      session: `${visitor}-s`,
      visitor,
      ...(what.startsWith('/') ? { path: what } : { name: what, path: '/app' }),
      ...extra,
    }),
  );
}

const visits: EventRow[][] = [
  // V1: all three in order → 3. A second Purchase later is not the completing one (its 999 USD
  // is not the funnel's revenue).
  visit('v1', [
    ['10:00:00.000', '/pricing'],
    ['10:05:00.000', 'Signup'],
    ['10:10:00.000', 'Purchase', { revenue: usd(50) }],
    ['10:20:00.000', 'Purchase', { revenue: usd(999) }],
  ]),
  // V2: Signup 90 minutes after /pricing, outside the 1 h window → 1.
  visit('v2', [
    ['10:00:00.000', '/pricing'],
    ['11:30:00.000', 'Signup'],
  ]),
  // V3: repeated steps. From /pricing 09:00 only Signup 09:10 is in the window (level 2); from the
  // later /pricing 12:00: Signup 12:10, Purchase 12:30 → 3 (the start that gets furthest).
  visit('v3', [
    ['09:00:00.000', '/pricing'],
    ['09:10:00.000', 'Signup'],
    ['12:00:00.000', '/pricing'],
    ['12:10:00.000', 'Signup'],
    ['12:30:00.000', 'Purchase', { revenue: usd(20) }],
  ]),
  // V4: Signup before /pricing → 1.
  visit('v4', [
    ['10:00:00.000', 'Signup'],
    ['10:05:00.000', '/pricing'],
    ['10:10:00.000', 'Purchase', { revenue: usd(3) }],
  ]),
  // V5: Signup at the same millisecond as /pricing: not strictly later → 1.
  visit('v5', [
    ['10:00:00.000', '/pricing'],
    ['10:00:00.000', 'Signup'],
  ]),
  // V6: a pageview (/blog) between /pricing and Signup: sequential 3, strict 1 (no later restart).
  visit('v6', [
    ['10:00:00.000', '/pricing'],
    ['10:01:00.000', '/blog'],
    ['10:02:00.000', 'Signup'],
    ['10:03:00.000', 'Purchase', { revenue: usd(10) }],
  ]),
  // V7: strict restart. Sequential: 10:00 → Signup 10:02 → Purchase 10:05 → 3. Strict: the chain
  // from 10:00 breaks at /blog 10:01; the later /pricing 10:03 → Signup 10:04 → Purchase 10:05 → 3.
  // Its purchase is 30 EUR = 33 USD at 1.1 USD per EUR.
  visit('v7', [
    ['10:00:00.000', '/pricing'],
    ['10:01:00.000', '/blog'],
    ['10:02:00.000', 'Signup'],
    ['10:03:00.000', '/pricing'],
    ['10:04:00.000', 'Signup'],
    ['10:05:00.000', 'Purchase', { revenue: ['300000', 'EUR'] }],
  ]),
  // V8: Purchase exactly 1 h after /pricing: the window is inclusive → 3.
  visit('v8', [
    ['10:00:00.000', '/pricing'],
    ['10:30:00.000', 'Signup'],
    ['11:00:00.000', 'Purchase', { revenue: usd(5) }],
  ]),
  // V9: Purchase 1 ms past the window → 2 (its 100 USD is not the funnel's).
  visit('v9', [
    ['10:00:00.000', '/pricing'],
    ['10:30:00.000', 'Signup'],
    ['11:00:00.001', 'Purchase', { revenue: usd(100) }],
  ]),
  // V10: its /pricing is before the range (March 1 in the range starts at 2026-03-01): entered
  // nowhere, as later steps alone do not enter.
  visit('v10', [
    ['2026-02-28T23:59:00.000Z', '/pricing'],
    ['2026-03-01T00:05:00.000Z', 'Signup'],
  ]),
  // V11: mobile from Google → 2.
  visit('v11', [
    ['10:00:00.000', '/pricing', mobileGoogle],
    ['10:10:00.000', 'Signup', mobileGoogle],
  ]),
  // V12: mobile from Google → 3, 7 USD.
  visit('v12', [
    ['10:00:00.000', '/pricing', mobileGoogle],
    ['10:10:00.000', 'Signup', mobileGoogle],
    ['10:20:00.000', 'Purchase', { ...mobileGoogle, revenue: usd(7) }],
  ]),
];

/** Every visit's events, later events first (out-of-order arrival). */
export const funnelEvents: EventRow[] = visits
  .flatMap((events) => [...events].reverse())
  .map((row) => ({ ...row, siteId: funnelSite.id }));

export const funnelRange = { kind: 'custom', start: '2026-03-01', end: '2026-03-07' } as const;
export const funnelNow = Date.parse('2026-03-10T00:00:00Z');

export interface FunnelBackend {
  readonly name: string;
  readonly engine: FunnelEngine;
  close(): Promise<void>;
}

const goals = async () => [purchaseGoal];

export async function openDuckDbFunnels(method: DuckDbChainMethod): Promise<FunnelBackend> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-funnels-'));
  const instance: DuckDBInstance = await openDuckDb(dir);
  const store = await DuckDbEventStore.open(instance);
  await store.append(funnelEvents);
  const connection = await instance.connect();
  for (const row of funnelFx) {
    await connection.run('INSERT INTO fx_rates VALUES ($1, $2, $3, $1)', [row.day, row.currency, row.perEur]);
  }
  connection.closeSync();
  return {
    name: `duckdb (${method})`,
    engine: createDuckDbFunnelEngine(instance, { goals, method }),
    async close() {
      store.close();
      instance.closeSync();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One throwaway ClickHouse server for the file (started on first use). */
export function clickHouseFunnels() {
  const skip = missingService('clickhouse');
  let server: Promise<RunningService> | null = null;
  return {
    skip,
    async open(): Promise<FunnelBackend> {
      server ??= startService('clickhouse');
      const { url } = await server;
      return openOnClickHouse('clickhouse', { shardUrls: [url], database: 'funnels' });
    },
    async stop() {
      if (server) await (await server).destroy();
    },
  };
}

/** The same on ClickHouse in process (chdb, a current release; test/support/chdb-client.ts). */
export function chdbFunnels() {
  const skip = missingChdb();
  let server: ChdbServer | null = null;
  return {
    skip,
    async open(): Promise<FunnelBackend> {
      server ??= new ChdbServer();
      return openOnClickHouse('chdb', server.target('funnels'));
    },
    async stop() {
      await server?.close();
    },
  };
}

async function openOnClickHouse(name: string, target: ClickHouseTarget): Promise<FunnelBackend> {
  await ClickHouseEventStore.open(target).then((store) => store.append(funnelEvents));
  const http = connectClickHouse(target, target.shardUrls[0]!);
  await http.exec(
    `INSERT INTO funnels.fx_rates (day, currency, per_eur, source_version) VALUES ${funnelFx.map((r) => `('${r.day}', '${r.currency}', ${r.perEur}, 1)`).join(',')}`,
  );
  return {
    name,
    engine: createClickHouseFunnelEngine(target, { goals }),
    async close() {
      await http.exec('DROP DATABASE IF EXISTS funnels');
    },
  };
}
