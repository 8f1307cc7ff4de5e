import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { addSiteWithCli, killAllServers, startServerProcess } from './support/process-server.ts';
import { tempDataDir } from './support/test-server.ts';

/**
 * "Accepted means durable" for heartbeats (issue 15): the real server process is killed with
 * SIGKILL while readers send heartbeats; after the restart every acknowledged heartbeat is in the
 * engagement table, and the readers' retries of their last heartbeat do not add time (values are
 * cumulative and folded with max()).
 */
const rounds = 2;
const readers = 6;
/** The heartbeat budget is not under test here. */
const unlimited = {
  ZENOVAY_HEARTBEAT_RATE_BURST_LIMIT: '1000000000',
  ZENOVAY_HEARTBEAT_RATE_SUSTAINED_LIMIT: '1000000000',
};
const agent =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

const dataDirs: string[] = [];
after(() => {
  killAllServers();
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Reader {
  readonly sessionId: string;
  readonly pageviewId: string;
  /** Highest engaged_ms acknowledged, and highest sent at all (acknowledged or not). */
  acked: number;
  sent: number;
}

function body(reader: Reader, engagedMs: number) {
  return JSON.stringify({
    session_id: reader.sessionId,
    pageview_id: reader.pageviewId,
    url: 'https://example.com/long-read',
    user_agent: agent,
    engaged_ms: engagedMs,
    scroll_depth: Math.min(100, Math.floor(engagedMs / 1_000)),
  });
}

async function send(url: string, code: string, reader: Reader, engagedMs: number): Promise<number> {
  try {
    const response = await fetch(`${url}/e/heartbeat/${code}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body(reader, engagedMs),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0; // the process died: no answer
  }
}

async function storedEngagement(dataDir: string): Promise<Map<string, number>> {
  const instance = await DuckDBInstance.create(path.join(dataDir, 'zenovay.duckdb'));
  try {
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        'SELECT session_id, engaged_ms, count(*) OVER (PARTITION BY session_id, pageview_key) AS n FROM engagement',
      );
      const rows = reader.getRowObjectsJS();
      assert.ok(
        rows.every((row) => Number(row.n) === 1),
        'one engagement row per pageview',
      );
      return new Map(rows.map((row) => [String(row.session_id), Number(row.engaged_ms)]));
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

test(`kill -9 while heartbeats arrive, ${rounds} rounds: acknowledged time survives, retries add none`, {
  timeout: 60_000 * rounds,
}, async (t) => {
  const dataDir = tempDataDir('zenovay-heartbeat-crash-');
  dataDirs.push(dataDir);
  const site = await addSiteWithCli(dataDir);
  const all: Reader[] = Array.from({ length: readers }, (_, i) => ({
    sessionId: `crash-reader-${i}`,
    pageviewId: `pv-${i}`,
    acked: 0,
    sent: 0,
  }));
  for (let round = 1; round <= rounds; round++) {
    const server = await startServerProcess({ dataDir, env: unlimited });
    let stop = false;
    // Each reader sends its growing total, one heartbeat at a time, as a tab does.
    const loops = all.map(async (reader) => {
      while (!stop) {
        const next = reader.sent + 1_000;
        reader.sent = next;
        const status = await send(server.url, site.tracking_code, reader, next);
        if (status === 202) reader.acked = Math.max(reader.acked, next);
        else if (status === 0) return;
      }
    });
    await sleep(300 + Math.floor(Math.random() * 1_200));
    const killed = await server.kill('SIGKILL');
    stop = true;
    await Promise.all(loops);
    assert.equal(killed.signal, 'SIGKILL', `round ${round}: the server was not killed`);
    t.diagnostic(`round ${round}: acknowledged up to ${all.map((r) => r.acked / 1_000).join(', ')} s`);

    // The restart loads what the log holds: every acknowledged total is there (one that was
    // sent but never answered may be too), before any sender retries.
    const reloaded = await startServerProcess({ dataDir, env: unlimited });
    assert.deepEqual(await reloaded.kill('SIGTERM'), { code: 0, signal: null }, reloaded.stderr());
    const loaded = await storedEngagement(dataDir);
    for (const reader of all) {
      const total = loaded.get(reader.sessionId) ?? 0;
      assert.ok(reader.acked > 0, `round ${round}: ${reader.sessionId} got no acknowledgement`);
      assert.ok(total >= reader.acked, `round ${round}: ${reader.sessionId} lost acknowledged time`);
      assert.ok(total <= reader.sent, `round ${round}: ${reader.sessionId} has more than was sent`);
    }

    // Then each reader retries its last heartbeat (answer lost or not), twice: accepted, harmless.
    const restarted = await startServerProcess({ dataDir, env: unlimited });
    for (const reader of all) {
      for (let i = 0; i < 2; i++) {
        assert.equal(await send(restarted.url, site.tracking_code, reader, reader.sent), 202);
      }
    }
    const stopped = await restarted.kill('SIGTERM');
    assert.deepEqual(stopped, { code: 0, signal: null }, restarted.stderr());

    const stored = await storedEngagement(dataDir);
    for (const reader of all) {
      // The retried total is the largest sent: exactly that, never more (no doubling).
      assert.equal(stored.get(reader.sessionId), reader.sent, `round ${round}: ${reader.sessionId}`);
    }
  }
});
