import assert from 'node:assert/strict';
import { type ClientOptions, createClient, type TrackResult } from '../../packages/node/src/index.ts';
import { faultProfile, startFaultProxy } from './fault-proxy.ts';
import { fastTiming } from './sdk-timing.ts';
import { addSite, type TestServer } from './test-server.ts';

export interface FaultRunReport {
  results: TrackResult[];
  settledBeforeShutdownReturned: number;
  stored: { rows: number; distinctIds: number; ids: Set<string> };
  proxy: { requests: number; destroyed: number; status503: number; status429: number };
  longestRequestedSleepMs: number;
}

/**
 * Tracks `count` events through the fault proxy in front of `server`, then shuts the client down
 * and reads back what was stored. SDK time runs 50x fast so backoffs and Retry-After pauses keep
 * their shape without making the test wait on them.
 */
export async function runFaultProfile(
  server: TestServer,
  count: number,
  clientOptions: Partial<ClientOptions>,
): Promise<FaultRunReport> {
  const site = await addSite(server, `fault-${clientOptions.apiKey ? 'batch' : 'single'}.example.com`);
  const proxy = await startFaultProxy(server.url, faultProfile(20_260_310));
  const timing = fastTiming(50);
  const client = createClient({
    trackingCode: site.trackingCode,
    host: proxy.url,
    timing,
    maxQueueSize: count,
    ...clientOptions,
  });
  let settled = 0;
  const pending: Promise<TrackResult>[] = [];
  for (let i = 0; i < count; i++) {
    const result = client.trackEvent('fault', {
      url: `https://example.com/item/${i % 97}`,
      sessionId: `srv-session-${i % 211}`,
      properties: { n: i },
    });
    void result.then(() => settled++);
    pending.push(result);
  }
  const outcome = await client.shutdown({ timeoutMs: 120_000 });
  const settledBeforeShutdownReturned = settled;
  assert.deepEqual(outcome, { undelivered: 0 });
  const results = await Promise.all(pending);
  await proxy.close();

  await server.runtime.eventsLoaded();

  const connection = await server.runtime.duckdb.connect();
  try {
    const reader = await connection.runAndReadAll('SELECT event_id FROM events WHERE site_id = $1', [
      site.id,
    ]);
    const ids = reader.getRowObjectsJS().map((row) => String(row.event_id));
    return {
      results,
      settledBeforeShutdownReturned,
      stored: { rows: ids.length, distinctIds: new Set(ids).size, ids: new Set(ids) },
      proxy: {
        requests: proxy.stats.requests,
        destroyed: proxy.stats.destroyedAfterForward,
        status503: proxy.stats.byStatus[503] ?? 0,
        status429: proxy.stats.byStatus[429] ?? 0,
      },
      longestRequestedSleepMs: Math.max(0, ...timing.requested),
    };
  } finally {
    connection.closeSync();
  }
}

/** The acceptance: every event stored exactly once, and every promise settled ok first. */
export function assertEveryEventStoredOnce(report: FaultRunReport, count: number): void {
  const failed = report.results.filter((result) => !result.ok);
  assert.deepEqual(failed.slice(0, 5), [], `${failed.length} events failed`);
  assert.equal(report.settledBeforeShutdownReturned, count, 'shutdown() returned before the last event');
  assert.equal(report.stored.rows, count, 'rows stored');
  assert.equal(report.stored.distinctIds, count, 'distinct event ids stored');
  for (const result of report.results) assert.ok(report.stored.ids.has(result.eventId));
  // The faults really happened, in about the advertised proportions.
  const { requests, destroyed, status503, status429 } = report.proxy;
  assert.ok(status503 / requests > 0.2, `503s: ${status503} of ${requests}`);
  assert.ok(destroyed / requests > 0.06, `destroyed: ${destroyed} of ${requests}`);
  assert.ok(status429 > 0, 'no 429 burst happened');
  // A cut connection after the server stored the event makes the retry a duplicate, not a second row.
  assert.ok(report.results.some((result) => result.duplicate));
  // Retry-After: 1 was obeyed as a whole-second pause.
  assert.ok(report.longestRequestedSleepMs >= 900, `longest pause ${report.longestRequestedSleepMs} ms`);
}
