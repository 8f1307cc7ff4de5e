import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { objectText, paddedEvent, validEntries } from './support/hostile-bodies.ts';
import { hostileRequest } from './support/hostile-requests.ts';
import { encodeRequest, type RawRequest } from './support/raw-http.ts';
import { startTestServer, storedEvents, type TestServer, tempDataDir } from './support/test-server.ts';

// `POST /e/{code}` has two ways in: the node:http fast path (http/ingest-fast-path.ts) and the
// Fastify route. Both servers below start from copies of one data directory (so the same site and
// tracking code) with the same clock; every request is sent to both, from the same source address,
// on a keep-alive connection followed by a probe request, and the whole transcript — status lines,
// headers in order, bodies, and whether the server kept the connection open — must be identical.
// Only values that differ per run are masked (Date, generated request ids, generated visit ids).

const domain = 'example.com';
let fast: TestServer;
let slow: TestServer;
let code = '';
let siteId = '';
const dirs: string[] = [];

before(async () => {
  const seed = tempDataDir('zenovay-fastpath-seed-');
  dirs.push(seed);
  const first = await startTestServer({ dataDir: seed });
  const site = await first.runtime.sites.add(domain);
  code = site.trackingCode;
  siteId = site.id;
  await first.stop();
  const copy = (name: string) => {
    const dir = tempDataDir(`zenovay-fastpath-${name}-`);
    fs.cpSync(seed, dir, { recursive: true });
    dirs.push(dir);
    return dir;
  };
  // Three requests per address and window, so the set below also meets the rate limit.
  const config = { ingestLimits: [{ limit: 3, windowMs: 10_000 }] };
  fast = await startTestServer({ dataDir: copy('on'), config });
  slow = await startTestServer({ dataDir: copy('off'), config, runtime: { ingestFastPath: false } });
});

after(async () => {
  await fast?.stop();
  await slow?.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const probe = Buffer.from('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');

/**
 * Sends `parts` (written one after another, 20 ms apart, so a body can arrive in pieces) and then
 * the probe (whose answer shows whether the connection was kept open) on one connection from `address`, and returns everything the server sent until it
 * closed the connection (or "[timeout]" after `timeoutMs`).
 */
function transcript(port: number, address: string, parts: Buffer[], timeoutMs = 3_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: address });
    const received: Buffer[] = [];
    let done = false;
    const finish = (suffix: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(received).toString('latin1') + suffix);
    };
    const timer = setTimeout(() => finish('\n[timeout]'), timeoutMs);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('close', () => finish('\n[closed]'));
    socket.on('error', () => finish('\n[error]'));
    // After a request that asks to close, more bytes are a parser error whose answer races the
    // request's own (for either way in): the server's closing is what is compared then.
    const asksToClose = /\r\nconnection:[ \t]*close/i.test(Buffer.concat(parts).toString('latin1'));
    socket.on('connect', async () => {
      for (const [i, part] of [...parts, ...(asksToClose ? [] : [probe])].entries()) {
        if (i > 0) await new Promise((wait) => setTimeout(wait, 20));
        if (socket.destroyed) return;
        socket.write(part);
      }
    });
  });
}

const mask = (text: string) =>
  text
    .replace(/^date: .*$/gim, 'date: <date>')
    .replace(/^(x-request-id): [0-9a-f-]{36}\r$/gim, '$1: <uuid>\r')
    .replace(/"session_id":"zs_[^"]+"/g, '"session_id":"<visit>"');

/** The address of case `n`: each case has its own, so only the rate-limit case meets the limit. */
const address = (n: number) => `127.1.${(n >> 8) & 255}.${n & 255}`;

async function assertSameAnswers(name: string, n: number, parts: Buffer[]): Promise<string> {
  const [a, b] = await Promise.all([
    transcript(fast.port, address(n), parts),
    transcript(slow.port, address(n), parts),
  ]);
  assert.equal(mask(a), mask(b), `${name}: the fast path answered differently from Fastify`);
  return mask(a);
}

const event = (more: Record<string, unknown> = {}) =>
  JSON.stringify({
    event_type: 'pageview',
    url: `https://${domain}/a?utm_source=x`,
    session_id: 'session-0001',
    device_type: 'desktop',
    browser: 'Chrome',
    os: 'Linux',
    user_agent:
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
    ...more,
  });

const post = (
  headers: Array<[string, string]>,
  body: string | Buffer,
  target = `/e/${code}`,
): RawRequest => ({
  method: 'POST',
  target,
  headers: [['Host', '127.0.0.1'], ...headers],
  body,
});
const json: [string, string] = ['Content-Type', 'application/json'];

test('plain and refused ingest requests get the same answers with the fast path on and off', async () => {
  const cases: Array<[string, RawRequest[] | Buffer[]]> = [
    ['accepted', [post([json], event({ event_id: 'fp-1' }))]],
    ['duplicate', [post([json], event({ event_id: 'fp-1' }))]],
    [
      'beacon text/plain from a subdomain',
      [
        post(
          [
            ['Content-Type', 'text/plain;charset=UTF-8'],
            ['Origin', `https://www.${domain}`],
          ],
          event(),
        ),
      ],
    ],
    ['server-assigned visit', [post([json], event({ session_id: 'zv:auto-session' }))]],
    ['caller request id', [post([json, ['X-Request-Id', 'abc-123']], event())]],
    ['hostile request id', [post([json, ['X-Request-Id', 'a b\u0001']], event())]],
    ['invalid json', [post([json], '{"url":')]],
    ['not an object', [post([json], '[1]')]],
    ['a string', [post([json], '"x"')]],
    ['null', [post([json], 'null')]],
    ['validation', [post([json], JSON.stringify({ url: 'nope', user_agent: 5 }))]],
    ['bot', [post([json], event({ user_agent: 'curl/8.0' }))]],
    ['latin1 charset', [post([['Content-Type', 'application/json; charset=latin1']], event())]],
    ['xml', [post([['Content-Type', 'application/xml']], event())]],
    ['no content type', [post([], event())]],
    ['upper-case type', [post([['Content-Type', 'APPLICATION/JSON']], event())]],
    ['too large', [post([json], paddedEvent(70_000))]],
    ['just within the limit', [post([json], paddedEvent(32 * 1024))]],
    ['empty body', [post([json], '')]],
    ['unknown code', [post([json], event(), '/e/ZV_nope')]],
    ['other origin', [post([json, ['Origin', 'https://evil.example']], event())]],
    ['opaque origin', [post([json, ['Origin', 'null']], event())]],
    ['query string', [post([json], event(), `/e/${code}?x=1`)]],
    ['proxy key', [post([json, ['X-Zenovay-Proxy-Key', 'zvp_x']], event())]],
    [
      'chunked',
      [
        post(
          [json, ['Transfer-Encoding', 'chunked']],
          `${event().length.toString(16)}\r\n${event()}\r\n0\r\n\r\n`,
        ),
      ],
    ],
    ['connection close', [post([json, ['Connection', 'close']], event())]],
    ['expect 100-continue', [post([json, ['Expect', '100-continue']], event())]],
    ['invalid UTF-8 in a string', [post([json], notUtf8())]],
    ['valid entries of the fuzz corpus', [post([json], objectText(validEntries('fp-entries')))]],
    ['get', [{ method: 'GET', target: `/e/${code}`, headers: [['Host', '127.0.0.1']] }]],
    [
      'preflight',
      [
        {
          method: 'OPTIONS',
          target: `/e/${code}`,
          headers: [
            ['Host', '127.0.0.1'],
            ['Origin', `https://${domain}`],
          ],
        },
      ],
    ],
    [
      'two pipelined events',
      [Buffer.concat([encodeRequest(post([json], event())), encodeRequest(post([json], '[2]'))])],
    ],
    // The body arrives in three pieces (20 ms apart), the head alone first.
    ['body in pieces', splitRequest(post([json], event({ event_id: 'fp-pieces' })))],
    ['rate limited', [0, 1, 2, 3].map(() => encodeRequest(post([json], event())))],
  ];
  const seen: string[] = [];
  for (const [n, [name, requests]] of cases.entries()) {
    const parts = requests.map((r) => (Buffer.isBuffer(r) ? r : encodeRequest(r)));
    seen.push(await assertSameAnswers(name, n, parts));
  }
  // The cases reach the answers they name (not, say, all one refusal): a spot check per kind.
  const statuses = seen.map((t) => t.slice(9, 12));
  assert.deepEqual(statuses.slice(0, 8), ['202', '202', '202', '202', '202', '400', '400', '400']);
  assert.match(seen[1]!, /"duplicate":true/);
  assert.match(seen[3]!, /"session_id":"<visit>"/);
  assert.match(seen[6]!, /connection: close\r\n/);
  assert.match(seen.at(-1)!, /HTTP\/1\.1 429 /);
});

/** An event whose session id holds bytes that are not UTF-8 (decoded to U+FFFD by both). */
function notUtf8(): Buffer {
  const [left, right] = event({ event_id: 'fp-bytes' }).split('session-0001');
  return Buffer.concat([Buffer.from(`${left}session-`), Buffer.from([0xff, 0xc3]), Buffer.from(right!)]);
}

/** The head, then the body in two halves, as separate writes. */
function splitRequest(request: RawRequest): Buffer[] {
  const bytes = encodeRequest(request);
  const head = bytes.indexOf('\r\n\r\n') + 4;
  const middle = head + Math.floor((bytes.length - head) / 2);
  return [bytes.subarray(0, head), bytes.subarray(head, middle), bytes.subarray(middle)];
}

test('generated hostile requests get the same answers with the fast path on and off', async () => {
  const requests = fc.sample(hostileRequest({ trackingCode: code, maxBodyBytes: 32 * 1024 }), {
    numRuns: 250,
    seed: 17,
  });
  const statuses = new Map<string, number>();
  for (const [i, request] of requests.entries()) {
    const answer = await assertSameAnswers(`hostile request ${i}`, 1_000 + i, [encodeRequest(request)]);
    const status = answer.slice(9, 12);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  // The set reaches both accepted events and refusals, so both ways in were compared.
  assert.ok((statuses.get('202') ?? 0) > 10, `accepted: ${JSON.stringify([...statuses])}`);
  assert.ok((statuses.get('400') ?? 0) > 10, `refused: ${JSON.stringify([...statuses])}`);
});

test('both servers counted the same refusals', async () => {
  const counts = async (server: TestServer) => {
    await server.runtime.refusals.flush();
    return (await server.runtime.metadata.refusals('2026-03-10'))
      .map((item) => `${item.siteId} ${item.reason} ${item.count}`)
      .sort();
  };
  const [a, b] = await Promise.all([counts(fast), counts(slow)]);
  assert.deepEqual(a, b);
  for (const reason of [
    'INVALID_JSON',
    'NOT_AN_OBJECT',
    'VALIDATION_ERROR',
    'BOT_DETECTED',
    'RATE_LIMIT_EXCEEDED',
  ]) {
    assert.ok(
      a.some((line) => line.startsWith(`${siteId} ${reason} `)),
      `${reason} counted: ${a.join('; ')}`,
    );
  }
});

test('both servers stored the same events', async () => {
  const rows = async (server: TestServer) =>
    (await storedEvents(server, siteId))
      .map(
        (row) =>
          `${row.event_id} ${row.pathname} ${row.user_agent} ${String(row.session_id).replace(/^zs_.*/, '<visit>')}`,
      )
      .sort();
  const [a, b] = await Promise.all([rows(fast), rows(slow)]);
  assert.deepEqual(a, b);
  assert.ok(a.length > 10, `${a.length} events`);
  assert.ok(a.some((row) => row.startsWith('fp-bytes ') && row.endsWith(' session-\ufffd\ufffd')));
});
