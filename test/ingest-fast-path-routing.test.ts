import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { ManualClock } from '../packages/server/src/clock.ts';
import { createIngestFastPath, serverWithFastPath } from '../packages/server/src/http/ingest-fast-path.ts';
import { MemoryRateLimiter } from '../packages/server/src/limits/rate-limiter.ts';
import { createLogger } from '../packages/server/src/log.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { encodeRequest, type RawRequest, sendRaw } from './support/raw-http.ts';

// Which requests the fast path takes, and which it leaves to Fastify untouched. Here "Fastify" is
// a stand-in handler that answers 299, so every answer shows who served it; test/ingest-fast-path
// .test.ts shows that the answers themselves are Fastify's.

const site = { id: 'site-1', domain: 'example.com', trackingCode: 'ZV_known' } as Site;
const received: Array<Record<string, unknown>> = [];
const fastPath = createIngestFastPath({
  sites: {
    byTrackingCode: (code: string) =>
      code === site.trackingCode || code === 'ZV_shadowed' ? site : undefined,
  } as never,
  clientIp: (remote) => remote ?? '',
  limiter: new MemoryRateLimiter([{ limit: 1_000, windowMs: 10_000 }]),
  clock: new ManualClock(Date.parse('2026-03-10T12:00:00Z')),
  processEvent: async (_site, body) => {
    received.push(body);
    return { duplicate: false };
  },
  countRefusal: () => undefined,
  maxBodyBytes: 1_024,
  log: createLogger('silent'),
  shadowed: (code) => code === 'ZV_shadowed',
});
let server: Server;
let port = 0;

before(async () => {
  const factory = serverWithFastPath(fastPath);
  server = factory(
    (_request, response) => {
      response.writeHead(299, { 'content-length': '7' });
      response.end('fastify');
    },
    { keepAliveTimeout: 5_000, requestTimeout: 5_000, connectionTimeout: 5_000 } as never,
  ) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const body = '{"url":"https://example.com/"}';
const request = (change: Partial<RawRequest> & { extra?: Array<[string, string]> } = {}): RawRequest => ({
  method: 'POST',
  target: '/e/ZV_known',
  headers: [['Host', '127.0.0.1'], ['Content-Type', 'application/json'], ...(change.extra ?? [])],
  body,
  ...change,
});

async function servedBy(raw: RawRequest): Promise<'fast path' | 'fastify'> {
  const answer = await sendRaw(port, encodeRequest(raw));
  assert.ok(answer, 'an answer');
  return answer.status === 299 ? 'fastify' : 'fast path';
}

test('the fast path takes plain event posts of known sites', async () => {
  received.length = 0;
  assert.equal(await servedBy(request()), 'fast path');
  assert.equal(
    await servedBy(
      request({
        headers: [
          ['Host', 'x'],
          ['Content-Type', 'text/plain;charset=UTF-8'],
        ],
      }),
    ),
    'fast path',
  );
  assert.equal(await servedBy(request({ extra: [['Origin', 'https://shop.example.com']] })), 'fast path');
  assert.equal(await servedBy(request({ body: 'x'.repeat(1_024) })), 'fast path'); // at the limit: INVALID_JSON is its answer
  assert.deepEqual(received, [
    { url: 'https://example.com/' },
    { url: 'https://example.com/' },
    { url: 'https://example.com/' },
  ]);
});

test('everything else goes to Fastify', async () => {
  const deferred: Array<[string, RawRequest]> = [
    ['unknown code', request({ target: '/e/ZV_unknown' })],
    ['a code Fastify routes elsewhere', request({ target: '/e/ZV_shadowed' })],
    ['a query', request({ target: '/e/ZV_known?x=1' })],
    ['an escape', request({ target: '/e/ZV_kno%77n' })],
    ['a trailing slash', request({ target: '/e/ZV_known/' })],
    ['GET', { method: 'GET', target: '/e/ZV_known', headers: [['Host', 'x']] }],
    ['other origin', request({ extra: [['Origin', 'https://evil.example']] })],
    ['proxy key', request({ extra: [['X-Zenovay-Proxy-Key', 'zvp_x']] })],
    [
      'chunked',
      request({
        extra: [['Transfer-Encoding', 'chunked']],
        body: `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      }),
    ],
    ['no type', request({ headers: [['Host', 'x']] })],
    [
      'another spelling',
      request({
        headers: [
          ['Host', 'x'],
          ['Content-Type', 'Application/JSON'],
        ],
      }),
    ],
    [
      'another charset',
      request({
        headers: [
          ['Host', 'x'],
          ['Content-Type', 'application/json; charset=latin1'],
        ],
      }),
    ],
    ['empty', request({ body: '' })],
    ['over the limit', request({ body: 'x'.repeat(1_025) })],
  ];
  received.length = 0;
  for (const [name, raw] of deferred) assert.equal(await servedBy(raw), 'fastify', name);
  assert.equal(received.length, 0);
});

test('once disabled (the app is closing), Fastify serves everything', async () => {
  fastPath.disable();
  assert.equal(await servedBy(request()), 'fastify');
});
