import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { summarize as describeLoad, sendOnce, startLoad } from './support/event-load.ts';
import {
  addSiteWithCli,
  type CliSite,
  killAllServers,
  startServerProcess,
} from './support/process-server.ts';
import { tempDataDir } from './support/test-server.ts';

/**
 * "Accepted means durable": a 2xx is sent only after COMMIT, so however the process dies, every
 * acknowledged event is in the DuckDB file, and `event_id` keeps it there exactly once even when
 * senders retry across the restart. These tests kill the real server process under load.
 */

/** 4 in `npm test`; `npm run bench:crash` sets ZENOVAY_CRASH_ROUNDS=20 (issue 17's target). */
const rounds = Number(process.env.ZENOVAY_CRASH_ROUNDS ?? '') || 4;
const connections = 8;
const sourceAddresses = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
/** Per-IP limits are not under test here; they would only turn load into 429s. */
const unlimited = { ZENOVAY_RATE_BURST_LIMIT: '1000000000', ZENOVAY_RATE_SUSTAINED_LIMIT: '1000000000' };
/** How many acknowledged and unacknowledged ids are sent again after each restart. */
const resendSample = 30;

const dataDirs: string[] = [];
after(() => {
  killAllServers(); // only ever does something when a test failed midway
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function freshDataDir(): string {
  const dir = tempDataDir('zenovay-crash-');
  dataDirs.push(dir);
  return dir;
}

/** A moment to kill at, after the load is running: random, but bounded so the test stays short. */
function randomDelayMs(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How many times each event id is stored, read from the file after the server has exited. */
async function storedIdCounts(dataDir: string): Promise<Map<string, number>> {
  const instance = await DuckDBInstance.create(path.join(dataDir, 'zenovay.duckdb'));
  try {
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        `SELECT event_id, count(*)::INTEGER AS n FROM events WHERE event_id <> '' GROUP BY event_id`,
      );
      return new Map(reader.getRowObjectsJS().map((row) => [String(row.event_id), Number(row.n)]));
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

function assertStoredOnce(stored: Map<string, number>, acked: ReadonlySet<string>, context: string): void {
  const repeated = [...stored].filter(([, n]) => n > 1);
  assert.deepEqual(repeated, [], `${context}: event ids stored more than once`);
  const missing = [...acked].filter((id) => !stored.has(id));
  assert.deepEqual(missing.slice(0, 20), [], `${context}: ${missing.length} acknowledged events are missing`);
}

async function resend(url: string, trackingCode: string, id: string) {
  const reply = await sendOnce(url, trackingCode, id);
  return { id, status: reply.status, duplicate: reply.body.duplicate };
}

function sample<T>(items: Iterable<T>, size: number): T[] {
  const all = [...items];
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, size);
}

describe('crash safety of the real server process', () => {
  test(`kill -9 under load, ${rounds} rounds: every acknowledged event is stored exactly once`, {
    timeout: 30_000 * rounds,
  }, async (t) => {
    const dataDir = freshDataDir();
    const site: CliSite = await addSiteWithCli(dataDir);
    const everAcked = new Set<string>();
    const runId = Date.now().toString(36);

    for (let round = 1; round <= rounds; round++) {
      const context = `round ${round}`;
      const server = await startServerProcess({ dataDir, env: unlimited });
      const load = startLoad({
        url: server.url,
        trackingCode: site.tracking_code,
        idPrefix: `${runId}-r${round}`,
        connections,
        sourceAddresses,
      });
      await load.firstAck(15_000);
      const killAfterMs = randomDelayMs(200, 1_500);
      await sleep(killAfterMs);
      const killed = await server.kill('SIGKILL');
      assert.equal(killed.signal, 'SIGKILL', `${context}: the server was not killed but exited by itself`);
      const result = await load.finished();
      const detail = `${context} (killed after ${killAfterMs} ms; ${describeLoad(result)})`;
      t.diagnostic(detail);
      assert.ok(result.acked.size > 0, `${detail}: no event was acknowledged before the kill`);
      for (const id of result.acked) everAcked.add(id);

      // The senders retry after the restart, all at once: acknowledged ids must come back as
      // duplicates; ids whose answer was lost are sent twice concurrently and must be accepted, and
      // stored once (now, or already before the kill).
      const restarted = await startServerProcess({ dataDir, env: unlimited });
      const retried = sample(result.unacked, resendSample);
      const [ackedReplies, retriedReplies] = await Promise.all([
        Promise.all(
          sample(result.acked, resendSample).map((id) => resend(restarted.url, site.tracking_code, id)),
        ),
        Promise.all(retried.flatMap((id) => [1, 2].map(() => resend(restarted.url, site.tracking_code, id)))),
      ]);
      for (const { id, status, duplicate } of ackedReplies) {
        assert.equal(status, 202, `${detail}: resending acknowledged ${id}`);
        assert.equal(duplicate, true, `${detail}: acknowledged ${id} was not a duplicate`);
      }
      for (const { id, status } of retriedReplies) {
        assert.equal(status, 202, `${detail}: resending unacknowledged ${id}`);
        everAcked.add(id);
      }
      for (const id of retried) {
        const fresh = retriedReplies.filter((reply) => reply.id === id && !reply.duplicate);
        assert.ok(fresh.length <= 1, `${detail}: ${id} sent twice at once was accepted as new twice`);
      }
      const stopped = await restarted.kill('SIGTERM');
      assert.deepEqual(stopped, { code: 0, signal: null }, `${detail}: SIGTERM exit\n${restarted.stderr()}`);

      assertStoredOnce(await storedIdCounts(dataDir), everAcked, detail);
    }
  });

  test('SIGTERM under load: exits 0 and every acknowledged event is stored exactly once', {
    timeout: 60_000,
  }, async (t) => {
    const dataDir = freshDataDir();
    const site = await addSiteWithCli(dataDir);
    const server = await startServerProcess({ dataDir, env: unlimited });
    const load = startLoad({
      url: server.url,
      trackingCode: site.tracking_code,
      idPrefix: `term-${Date.now().toString(36)}`,
      connections,
      sourceAddresses,
    });
    await load.firstAck(15_000);
    const termAfterMs = randomDelayMs(200, 1_000);
    await sleep(termAfterMs);
    const exit = await server.kill('SIGTERM');
    const result = await load.finished();
    const detail = `SIGTERM after ${termAfterMs} ms (${describeLoad(result)})`;
    t.diagnostic(detail);
    assert.deepEqual(exit, { code: 0, signal: null }, `${detail}: exit status\n${server.stderr()}`);
    assert.ok(result.acked.size > 0, `${detail}: no event was acknowledged`);
    assertStoredOnce(await storedIdCounts(dataDir), result.acked, detail);
  });
});
