import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { utcDay } from '../packages/server/src/clock.ts';
import { assertRefusal } from './support/refusal-assert.ts';
import {
  addSite,
  postEvent,
  serverDefaults,
  startTestServer,
  storedEvents,
  type TestServer,
} from './support/test-server.ts';

const event = {
  ...serverDefaults,
  url: 'https://example.com/',
  session_id: 'srv-busy-01',
  visitor_id: 'visitor-busy',
};

interface RawReply {
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are arbitrary JSON
  body: any;
}

/** Opens a keep-alive connection and makes one request on it, so the server has accepted it. */
async function warmConnection(server: TestServer): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port: server.port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
  await new Promise<void>((resolve) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.includes('\r\n\r\n') && seen.includes('"status"')) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });
  return socket;
}

/** Reads one `Connection: close` reply to its end. */
function readReply(socket: net.Socket): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) });
    });
  });
}

test('SERVER_BUSY: a full writer queue answers 503 with Retry-After; every 202 was stored', async () => {
  // One event may wait while one commits; anything beyond that is refused.
  const server = await startTestServer({ config: { writerMaxQueue: 1, writerMaxBatch: 1 } });
  try {
    const site = await addSite(server, 'example.com');
    assert.equal((await postEvent(server, site.trackingCode, event)).status, 202, 'warm-up event');

    const sockets = await Promise.all(Array.from({ length: 12 }, () => warmConnection(server)));
    const replies = sockets.map(readReply);
    // The server shares this process's event loop, so it sees none of these requests until all of
    // them are written: it then handles them in one go, while the first one's commit is in flight.
    const payload = JSON.stringify(event);
    for (const socket of sockets) {
      socket.write(
        `POST /e/${site.trackingCode} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`,
      );
    }
    const results = await Promise.all(replies);

    const accepted = results.filter((reply) => reply.status === 202);
    const busy = results.filter((reply) => reply.status === 503);
    assert.equal(
      accepted.length + busy.length,
      results.length,
      `only 202 or 503: ${results.map((r) => r.status)}`,
    );
    assert.ok(busy.length >= 1, 'some requests found the queue full');
    assert.ok(accepted.length >= 1, 'the writer still took what fits');
    for (const reply of busy) {
      assertRefusal(reply, 'SERVER_BUSY');
      assert.equal(reply.headers['retry-after'], '1');
    }
    assert.equal((await storedEvents(server, site.id)).length, 1 + accepted.length, 'every 202 is durable');

    await server.runtime.refusals.flush();
    const counts = await server.runtime.metadata.refusals(utcDay(server.clock.now()), site.id);
    assert.deepEqual(
      counts.map(({ reason, count }) => ({ reason, count })),
      [{ reason: 'SERVER_BUSY', count: busy.length }],
    );
    assert.equal(
      (await postEvent(server, site.trackingCode, event)).status,
      202,
      'accepted again once drained',
    );
  } finally {
    await server.stop();
  }
});

test('the store failing: ingest accepts into the log up to its cap, then 503 LOG_FULL revealing nothing internal; all accepted events are loaded once it works again', async () => {
  const server = await startTestServer({ config: { logCapBytes: 6_000 } });
  try {
    const site = await addSite(server, 'example.com');
    assert.equal((await postEvent(server, site.trackingCode, event)).status, 202);
    await server.runtime.eventsLoaded();
    const connection = await server.runtime.duckdb.connect();
    // A real failure of the real store: its table is gone (kept aside to be put back).
    await connection.run('CREATE TABLE events_aside AS SELECT * FROM events');
    await connection.run('DROP TABLE events');

    const statuses: number[] = [];
    let refusal: Awaited<ReturnType<typeof postEvent>> | undefined;
    for (let i = 0; i < 100 && !refusal; i++) {
      const response = await postEvent(server, site.trackingCode, { ...event, event_id: `while-down-${i}` });
      statuses.push(response.status);
      if (response.status !== 202) refusal = response;
    }
    const accepted = statuses.filter((status) => status === 202).length;
    assert.ok(accepted >= 3, `accepted ${accepted} while the store was down`);
    assert.ok(refusal, 'the log reached its cap');
    assertRefusal(refusal, 'LOG_FULL');
    assert.equal(refusal.status, 503);
    assert.equal(refusal.headers.get('retry-after'), '1');
    assert.deepEqual(Object.keys(refusal.body.error).sort(), ['code', 'message']);
    assert.doesNotMatch(JSON.stringify(refusal.body), /duckdb|catalog|seg-|jsonl|ENOSPC|errno| {2}at /i);

    await connection.run('ALTER TABLE events_aside RENAME TO events');
    connection.closeSync();
    await server.runtime.eventsLoaded(20_000);
    const stored = (await storedEvents(server, site.id)).map((row) => String(row.event_id));
    assert.equal(stored.filter((id) => id.startsWith('while-down-')).length, accepted);
    assert.equal((await postEvent(server, site.trackingCode, { ...event, event_id: 'after' })).status, 202);
  } finally {
    await server.stop();
  }
});
