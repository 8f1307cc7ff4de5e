import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, isBot, type TrackResult } from '../packages/node/src/index.ts';
import { ApiKeyService } from '../packages/server/src/auth/key-service.ts';
import { createBotFilter } from '../packages/server/src/ingest/bot-filter.ts';
import { botPatternSources, descriptiveServerAgents } from '../packages/server/src/ingest/bot-rules.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { type Fate, type FaultProxy, faultProfile, startFaultProxy } from './support/fault-proxy.ts';
import { revenueCases } from './support/revenue-cases.ts';
import { addSite, startTestServer, storedEvents, type TestServer } from './support/test-server.ts';

/**
 * Runs a non-Node client's own test suite (python3 -m unittest, phpunit) against the real server,
 * then checks in the store what it reported: the helpers' rows equal the Node SDK's for the same
 * input, and the fault runs stored every event exactly once. The suites learn where everything is
 * from ZENOVAY_TEST_* variables and write their event ids to ZENOVAY_TEST_REPORT_DIR.
 */

/** The helpers' inputs, the same for every client. Device fields as in the spec's examples. */
export const helperCases = [
  {
    kind: 'event',
    name: 'purchase',
    sessionId: 'srv-9f2a7c41bd',
    url: 'https://example.com/checkout/success',
    referrer: 'https://example.com/cart',
    properties: { order_id: 'ORD-12345', value: 99.99, currency: 'USD' },
  },
  {
    kind: 'event',
    name: 'signup',
    sessionId: 'srv-1b2c3d4e5f',
    url: 'https://example.com/welcome?utm_source=news',
  },
  {
    kind: 'event',
    name: 'gruß',
    sessionId: 'srv-1b2c3d4e5f',
    url: 'https://example.com/ü/ñ',
    properties: { label: 'Grüße ✓ 😀', paid: true, seats: 3 },
  },
  {
    kind: 'pageview',
    sessionId: 'srv-9f2a7c41bd',
    url: 'https://example.com/products/widget',
    referrer: 'https://google.com/search',
  },
  { kind: 'pageview', sessionId: 'srv-0a0b0c0d0e', url: 'https://example.com/' },
] as const;
export const helperDefaults = { os: 'Linux', user_agent: 'MyApp-Server/1.0' };
export const faultCount = 2_000;
/** The server's batch body limit in these runs (ZENOVAY_TEST_BATCH_BODY_LIMIT). */
export const batchBodyLimit = 32 * 1024;
const transports = ['single', 'batch'] as const;
type TransportName = (typeof transports)[number];

/** Agents every client must judge exactly as the server does, built to catch dialect differences. */
export function botAgentTable(): Array<[string, boolean]> {
  const filler = (n: number) => 'x'.repeat(n);
  const agents = [
    'MyApp-Server/1.0',
    ...descriptiveServerAgents,
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) GoogleApp/15.1 Mobile',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36',
    'facebookexternalhit/1.1',
    'curl/8.4.0',
    'python-requests/2.31.0',
    'Python-urllib/3.11',
    'GuzzleHttp/7',
    'Java/17.0.2',
    'node',
    'undici',
    '',
    '   ',
    // `\s` is Unicode whitespace in JavaScript: no-break space, ideographic space, BOM, U+2028.
    'Mozilla/5.0\u00a0(compatible; Foo 1.0)',
    'Mozilla/5.0\u3000widget-1',
    'Mozilla/5.0\u2028widget-1',
    '\u00a0\u3000\ufeff\u2029',
    'Foo;\u00a0bar;',
    // `$` is the very end in JavaScript, not "before a final newline".
    'Mozilla/5.0 widget-1\n',
    'Mozilla/5.0 widget-1',
    'Foo; bar;\n',
    'foo/bar\n',
    'foo/bar',
    // `.` stops at line terminators in JavaScript.
    'Mozilla/5.0 (compatible;x\u2028y/1.0)',
    // Lengths are UTF-16 units in JavaScript: code points (Python) and bytes (PCRE) differ.
    `${filler(48)}😀`,
    `${filler(47)}😀`,
    `${filler(49)}é`,
    `${filler(48)}é`,
    // Case folding: JavaScript's `i` never maps the Kelvin sign or long s to ASCII letters.
    'duc\u212Aduckgo',
    'duckduckgo',
    '\u017Fpider',
    'SPIDER',
    'Sp\u0130der',
    // Word boundaries and \w are ASCII in JavaScript.
    'ébot',
    'robot',
    'cubot',
    'Mozilla/5.0 éfoo/1.0;',
  ];
  // Every pattern's literal text, plain and mangled, as the Node SDK's own agreement test does.
  for (const source of botPatternSources()) {
    const literal = source.replace(/[\\^$()[\]?*+{}|]/g, '');
    agents.push(literal, `Mozilla/5.0 ${literal}/1.0`, literal.toUpperCase(), literal.slice(1));
  }
  const server = createBotFilter();
  const table = [...new Set(agents)].map((agent): [string, boolean] => [agent, server(agent)]);
  for (const [agent, bot] of table)
    assert.equal(isBot(agent), bot, `Node SDK isBot on ${JSON.stringify(agent)}`);
  return table;
}

export interface ClientSuite {
  /** e.g. 'python' */
  readonly language: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

export interface SuiteRun {
  readonly server: TestServer;
  readonly output: string;
  readonly reportDir: string;
  readonly helperSite: Site;
  readonly miscSite: Site;
  /** The suite's revenue and user_id events (single and batch), next to the Node SDK's. */
  readonly revenueSite: Site;
  readonly nodeIds: Record<TransportName, string[]>;
  readonly faultSites: Record<TransportName, Site>;
  readonly proxies: Record<TransportName, FaultProxy>;
}

/** Starts the server, proxies and Node reference rows, runs the suite; the caller stops `server`. */
export async function runClientSuite(suite: ClientSuite): Promise<SuiteRun> {
  const raised = [{ limit: 1_000_000, windowMs: 10_000 }];
  // The test clock stands still, so windows never reset: raise the limits as the SDK fault tests do.
  // A small batch body limit lets the suites provoke 413s (split) with a few hundred events.
  const server = await startTestServer({
    config: { ingestLimits: raised, batchIngestLimits: raised, batchMaxBodyBytes: batchBodyLimit },
  });
  const proxies: Partial<Record<TransportName, FaultProxy>> = {};
  try {
    const keys = new ApiKeyService(server.runtime.metadata, server.clock);
    const apiKey = (await keys.create({ permissions: ['ingest'] })).key;
    const helperSite = await addSite(server, `helpers-${suite.language}.example.com`);
    const nodeIds = await trackWithNodeSdk(server, helperSite, apiKey);
    // Other server tests (default agent, duplicate ids) store here, apart from the counted sites.
    const miscSite = await addSite(server, `misc-${suite.language}.example.com`);
    const revenueSite = await addSite(server, `revenue-${suite.language}.example.com`);
    await trackRevenueWithNodeSdk(server, revenueSite);
    const faultSites = {
      single: await addSite(server, `fault-single-${suite.language}.example.com`),
      batch: await addSite(server, `fault-batch-${suite.language}.example.com`),
    };
    proxies.single = await startFaultProxy(
      server.url,
      withForcedBursts(faultProfile(20_261_126, { burstMs: 300 })),
    );
    proxies.batch = await startFaultProxy(
      server.url,
      withForcedBursts(faultProfile(20_261_127, { burstMs: 300 })),
    );
    const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), `zenovay-${suite.language}-`));
    fs.writeFileSync(path.join(reportDir, 'cases.json'), JSON.stringify(helperCases));
    fs.writeFileSync(path.join(reportDir, 'bot-agents.json'), JSON.stringify(botAgentTable()));
    fs.writeFileSync(path.join(reportDir, 'revenue-cases.json'), JSON.stringify(revenueCases()));
    const env = {
      ...process.env,
      ZENOVAY_TEST_HOST: server.url,
      ZENOVAY_TEST_TRACKING_CODE: helperSite.trackingCode,
      ZENOVAY_TEST_API_KEY: apiKey,
      ZENOVAY_TEST_DEFAULTS: JSON.stringify(helperDefaults),
      ZENOVAY_TEST_MISC_CODE: miscSite.trackingCode,
      ZENOVAY_TEST_REVENUE_CODE: revenueSite.trackingCode,
      ZENOVAY_TEST_FAULT_SINGLE_HOST: proxies.single.url,
      ZENOVAY_TEST_FAULT_SINGLE_CODE: faultSites.single.trackingCode,
      ZENOVAY_TEST_FAULT_BATCH_HOST: proxies.batch.url,
      ZENOVAY_TEST_FAULT_BATCH_CODE: faultSites.batch.trackingCode,
      ZENOVAY_TEST_FAULT_COUNT: String(faultCount),
      ZENOVAY_TEST_BATCH_BODY_LIMIT: String(batchBodyLimit),
      ZENOVAY_TEST_REPORT_DIR: reportDir,
    };
    // Asynchronous on purpose: the server under test runs in this very process.
    const { code, output } = await run(suite, env);
    assert.equal(code, 0, `${suite.language} tests failed:\n${output}`);
    const finished = { single: proxies.single, batch: proxies.batch };
    return {
      server,
      output,
      reportDir,
      helperSite,
      miscSite,
      revenueSite,
      nodeIds,
      faultSites,
      proxies: finished,
    };
  } catch (error) {
    await server.stop(); // the caller only gets the server to stop when the suite passed
    throw error;
  } finally {
    await Promise.all([proxies.single?.close(), proxies.batch?.close()]);
  }
}

/** A 429 with Retry-After: 1 early in every run, so each run proves it waits, then the profile. */
function withForcedBursts(profile: () => Fate): (request: { index: number }) => Fate {
  return ({ index }) =>
    index === 3 || index === 40 ? { kind: 'status', status: 429, retryAfter: '1' } : profile();
}

async function trackWithNodeSdk(server: TestServer, site: Site, apiKey: string) {
  const ids: Record<TransportName, string[]> = { single: [], batch: [] };
  for (const transport of transports) {
    const client = createClient({
      trackingCode: site.trackingCode,
      host: server.url,
      defaults: helperDefaults,
      ...(transport === 'batch' ? { apiKey } : {}),
    });
    const results: TrackResult[] = [];
    for (const c of helperCases) {
      const common = {
        url: c.url,
        sessionId: c.sessionId,
        ...('referrer' in c ? { referrer: c.referrer } : {}),
      };
      results.push(
        await (c.kind === 'event'
          ? client.trackEvent(c.name, {
              ...common,
              ...('properties' in c ? { properties: c.properties } : {}),
            })
          : client.trackPageview(common)),
      );
    }
    await client.shutdown();
    assert.deepEqual(
      results.filter((r) => !r.ok),
      [],
    );
    ids[transport] = results.map((r) => r.eventId);
  }
  return ids;
}

function run(suite: ClientSuite, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(suite.command, suite.args, {
      cwd: suite.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', (error) => resolve({ code: -1, output: `${output}\n${error.message}` }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

function readReport(run: SuiteRun, name: string): string[] {
  const file = path.join(run.reportDir, name);
  assert.ok(fs.existsSync(file), `${name} was not written: did the suite skip its server tests?`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Both helpers, both transports: each row equals the Node SDK's row for the same input. */
export async function assertHelpersMatchNode(run: SuiteRun): Promise<void> {
  const rows = await storedEvents(run.server, run.helperSite.id);
  const byId = new Map(rows.map((row) => [String(row.event_id), row]));
  const withoutId = (row: Record<string, unknown> | undefined) => {
    assert.ok(row, 'row not stored');
    const { event_id: _ignored, ...rest } = row;
    return rest;
  };
  for (const transport of transports) {
    const reported = readReport(run, `helpers-${transport}.json`);
    assert.equal(reported.length, helperCases.length);
    helperCases.forEach((c, i) => {
      assert.deepEqual(
        withoutId(byId.get(reported[i]!)),
        withoutId(byId.get(run.nodeIds[transport][i]!)),
        `${transport} ${c.kind} #${i}`,
      );
    });
  }
  assert.equal(rows.length, 4 * helperCases.length, 'nothing else was stored');
}

/** Each transport's 2,000 events: stored exactly once each, through real faults. */
export async function assertFaultRunsStoredOnce(run: SuiteRun): Promise<void> {
  for (const transport of transports) {
    const ids = readReport(run, `fault-${transport}.json`);
    assert.equal(ids.length, faultCount);
    assert.equal(new Set(ids).size, faultCount, 'event ids are unique');
    const rows = await storedEvents(run.server, run.faultSites[transport].id);
    const stored = rows.map((row) => String(row.event_id));
    assert.equal(stored.length, faultCount, `${transport}: rows stored`);
    assert.equal(new Set(stored).size, faultCount, `${transport}: distinct event ids stored`);
    assert.deepEqual(new Set(stored), new Set(ids), `${transport}: the reported ids are the stored ones`);
    const { requests, byStatus, destroyedAfterForward } = run.proxies[transport].stats;
    assert.ok((byStatus[503] ?? 0) / requests > 0.2, `${transport}: 503s ${byStatus[503]} of ${requests}`);
    assert.ok(destroyedAfterForward / requests > 0.05, `${transport}: destroyed ${destroyedAfterForward}`);
    assert.ok((byStatus[429] ?? 0) >= 2, `${transport}: 429s ${byStatus[429]}`);
  }
}

/** Events tracked by a process that then ended without calling flush: all stored, once. */
export async function assertExitFlushStored(run: SuiteRun): Promise<void> {
  const ids = readReport(run, 'exit-ids.json');
  assert.equal(ids.length, 50);
  const stored = (await storedEvents(run.server, run.miscSite.id)).map((row) => String(row.event_id));
  for (const id of ids) assert.equal(stored.filter((s) => s === id).length, 1, `event ${id} stored once`);
}

/** The user id every client's suite identifies with on the revenue site, as the Node SDK does here. */
export const revenueUserId = 'customer-8841@example.org';

/** The Node SDK's reference event on the revenue site: its visitor is the one the others must get. */
async function trackRevenueWithNodeSdk(server: TestServer, site: Site): Promise<void> {
  const client = createClient({
    trackingCode: site.trackingCode,
    host: server.url,
    defaults: helperDefaults,
  });
  const result = await client.trackEvent('node_reference', {
    url: 'https://example.com/account',
    sessionId: 'srv-node-revenue',
    userId: revenueUserId,
  });
  await client.shutdown();
  assert.equal(result.ok, true);
}

/**
 * What every suite sends on the revenue site (test_revenue / RevenueTest): two purchases per
 * transport with `revenue` and `user_id` — 19.90 EUR as a decimal string and 99.99 usd as a
 * number — stored exactly, all under the Node SDK's visitor for the same user id.
 */
export async function assertRevenueStored(run: SuiteRun): Promise<void> {
  const rows = await storedEvents(run.server, run.revenueSite.id);
  const reference = rows.find((row) => row.event_name === 'node_reference');
  assert.ok(reference, 'the Node reference event is stored');
  const purchases = rows.filter((row) => row.event_name === 'purchase');
  assert.deepEqual(purchases.map((row) => `${row.revenue_e4} ${row.revenue_currency}`).sort(), [
    '199000 EUR',
    '199000 EUR',
    '999900 USD',
    '999900 USD',
  ]);
  for (const row of purchases)
    assert.equal(row.visitor_id, reference.visitor_id, 'same person, same visitor');
  assert.match(String(reference.visitor_id), /^u_/);
}
