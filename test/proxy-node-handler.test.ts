import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, test } from 'node:test';
import Fastify from 'fastify';
import { createProxyHandler } from '../packages/node/src/index.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import {
  gbVisitor,
  type Recorder,
  startRecorder,
  storedRow,
  trackerEvent,
  usVisitor,
} from './proxy-helpers.ts';
import { closeServer, listenOnLoopback } from './support/browser.ts';
import { send } from './support/http-from.ts';
import { freePort } from './support/ports.ts';
import { addSite, startTestServer, type TestServer } from './support/test-server.ts';

// @zenovay/node's createProxyHandler mounted on a "site" (a plain Node server, Connect-style), in
// front of a recording hop and the real service. Visitors are told apart the honest way: each one
// connects from its own loopback address, and the site maps that address to a public one (as a
// site's own edge would report it) through the handler's clientIp option.
const visitorBySource: Record<string, string> = { '127.0.0.2': usVisitor, '127.0.0.3': gbVisitor };

let server: TestServer;
let recorder: Recorder;
let site: Site;
let key: string;
let sitePort: number;
let website: http.Server;

before(async () => {
  server = await startTestServer({ config: { ingestLimits: [{ limit: 3, windowMs: 10_000 }] } });
  recorder = await startRecorder(server);
  site = await addSite(server, 'shop.example');
  key = (await server.runtime.proxyKeys.create({ siteId: site.id })).key;
  const proxy = createProxyHandler({
    host: recorder.url,
    proxyKey: key,
    maxBodyBytes: 2_048,
    clientIp: (request) => visitorBySource[(request as http.IncomingMessage).socket.remoteAddress ?? ''],
  });
  website = http.createServer((request, response) => {
    // The site's own pages; the proxy passes everything it does not serve to next().
    proxy(request, response, () => {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('site page not found');
    });
  });
  sitePort = await listenOnLoopback(website);
});
after(async () => {
  await closeServer(website);
  await recorder.close();
  await server.stop();
});
beforeEach(() => server.clock.advance(60_000));

/** What a visitor's browser sends, including what must never reach the analytics server. */
const browserHeaders = {
  'content-type': 'text/plain;charset=UTF-8',
  origin: 'https://shop.example',
  'user-agent':
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  cookie: 'session=site-secret; cart=42',
  authorization: 'Bearer site-user-token',
  'x-forwarded-for': '1.2.3.4',
  dnt: '1',
  'sec-gpc': '1',
};

function visit(from: string, body = trackerEvent(site)) {
  return send(sitePort, {
    path: `/zv/e/${site.trackingCode}`,
    body: body.body,
    headers: browserHeaders,
    localAddress: from,
  }).then((answer) => ({ ...answer, marker: body.marker }));
}

test('two visitors through the handler land with their own countries; nothing private is forwarded', async () => {
  const before = recorder.seen.length;
  const us = await visit('127.0.0.2');
  const gb = await visit('127.0.0.3');
  assert.equal(us.status, 202, us.text);
  assert.equal(gb.status, 202, gb.text);
  const usRow = await storedRow(server, site, us.marker);
  const gbRow = await storedRow(server, site, gb.marker);
  assert.equal(usRow.country, 'US');
  assert.equal(gbRow.country, 'GB');
  // Visitor ids are derived from the visitor's address: two visitors, not one proxy.
  assert.notEqual(usRow.visitor_id, gbRow.visitor_id);

  const seen = recorder.seen.slice(before);
  assert.equal(seen.length, 2);
  assert.deepEqual(
    seen.map((request) => request.headers['x-forwarded-for']),
    [usVisitor, gbVisitor],
  );
  for (const request of seen) {
    assert.equal(request.method, 'POST');
    assert.equal(request.path, `/e/${site.trackingCode}`);
    assert.equal(request.headers['x-zenovay-proxy-key'], key);
    assert.equal(request.headers.cookie, undefined, 'no cookie');
    assert.equal(request.headers.authorization, undefined, 'no Authorization');
    assert.equal(request.headers.origin, browserHeaders.origin);
    assert.equal(request.headers['user-agent'], browserHeaders['user-agent']);
    assert.equal(request.headers.dnt, '1');
    assert.equal(request.headers['sec-gpc'], '1');
  }
  assert.equal(us.headers['set-cookie'], undefined);
});

test('each visitor has its own rate-limit budget through the handler', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await visit('127.0.0.2')).status, 202);
  const refused = await visit('127.0.0.2');
  assert.equal(refused.status, 429);
  assert.equal(refused.body.error.code, 'RATE_LIMIT_EXCEEDED');
  assert.ok(Number(refused.headers['retry-after']) >= 1, 'Retry-After reaches the visitor');
  assert.equal((await visit('127.0.0.3')).status, 202, 'the other visitor is not limited');
});

test('z.js comes through the handler, with validators that work', async () => {
  const direct = await send(server.port, { method: 'GET', path: '/z.js' });
  const proxied = await send(sitePort, { method: 'GET', path: '/zv/z.js', localAddress: '127.0.0.2' });
  assert.equal(proxied.status, 200);
  assert.match(String(proxied.headers['content-type']), /^text\/javascript/);
  assert.equal(proxied.text, direct.text);
  assert.ok(proxied.headers.etag);
  const again = await send(sitePort, {
    method: 'GET',
    path: '/zv/z.js?v=2',
    headers: { 'if-none-match': String(proxied.headers.etag) },
    localAddress: '127.0.0.2',
  });
  assert.equal(again.status, 304);
  const head = await send(sitePort, { method: 'HEAD', path: '/zv/z.js', localAddress: '127.0.0.2' });
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
});

test('bodies over maxBodyBytes are answered 413 and never reach the server', async () => {
  const before = recorder.seen.length;
  const big = 'x'.repeat(3_000);
  const declared = await send(sitePort, {
    path: `/zv/e/${site.trackingCode}`,
    body: big,
    headers: { 'content-type': 'text/plain' },
    localAddress: '127.0.0.2',
  });
  assert.equal(declared.status, 413);
  assert.equal(declared.body.error.code, 'PAYLOAD_TOO_LARGE');
  const chunked = await send(sitePort, {
    path: `/zv/e/${site.trackingCode}`,
    body: big,
    headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' },
    localAddress: '127.0.0.2',
  });
  assert.equal(chunked.status, 413);
  assert.equal(recorder.seen.length, before);
});

test('other paths go to the site (next), wrong methods are refused', async () => {
  const page = await send(sitePort, { method: 'GET', path: '/about', localAddress: '127.0.0.2' });
  assert.equal(page.status, 404);
  assert.equal(page.text, 'site page not found');
  const wrong = await send(sitePort, {
    method: 'GET',
    path: `/zv/e/${site.trackingCode}`,
    localAddress: '127.0.0.2',
  });
  assert.equal(wrong.status, 405);
  const traversal = await send(sitePort, {
    method: 'GET',
    path: '/zv/e/..%2f..%2fadmin',
    localAddress: '127.0.0.2',
  });
  assert.equal(traversal.status, 404);
});

test('as a Fastify route handler, with Fastify’s own trustProxy naming the visitor', async () => {
  // The site runs behind its CDN at 127.0.0.1; Fastify believes that hop's X-Forwarded-For.
  const app = Fastify({ trustProxy: '127.0.0.1' });
  app.all('/zv/*', createProxyHandler({ host: server.url, proxyKey: key }));
  const port = await freePort();
  await app.listen({ port, host: '127.0.0.1' });
  try {
    const event = trackerEvent(site);
    const answer = await send(port, {
      path: `/zv/e/${site.trackingCode}`,
      body: event.body,
      headers: { ...browserHeaders, 'x-forwarded-for': gbVisitor },
    });
    assert.equal(answer.status, 202, answer.text);
    assert.equal((await storedRow(server, site, event.marker)).country, 'GB');
    const script = await send(port, { method: 'GET', path: '/zv/z.js' });
    assert.equal(script.status, 200);
    assert.match(script.text, /zenovay/);
  } finally {
    await app.close();
  }
});

test('as a Web-standard Request -> Response handler (Next.js route handlers)', async () => {
  const handler = createProxyHandler({
    host: server.url,
    proxyKey: key,
    // The platform's edge sets this header and strips any the visitor sent.
    clientIp: (request) => (request as Request).headers.get('x-real-ip') ?? undefined,
  });
  const event = trackerEvent(site);
  const request = new Request(`https://shop.example/zv/e/${site.trackingCode}`, {
    method: 'POST',
    body: event.body,
    headers: { ...browserHeaders, 'x-real-ip': usVisitor },
  });
  const response = await handler(request);
  assert.equal(response.status, 202, await response.clone().text());
  assert.equal((await response.json()).ok, true);
  assert.equal((await storedRow(server, site, event.marker)).country, 'US');

  const script = await handler(
    new Request('https://shop.example/zv/z.js', { headers: { 'x-real-ip': usVisitor } }),
  );
  assert.equal(script.status, 200);
  assert.match(await script.text(), /zenovay/);

  const unconfigured = createProxyHandler({ host: server.url, proxyKey: key });
  const refused = await unconfigured(new Request('https://shop.example/zv/z.js'));
  assert.equal(refused.status, 500);
  assert.equal((await refused.json()).error.code, 'PROXY_CLIENT_IP_UNKNOWN');
});

test('a handler holding another site’s key is refused by the server (401), not downgraded', async () => {
  const other = await addSite(server, 'blog.example');
  const otherKey = (await server.runtime.proxyKeys.create({ siteId: other.id })).key;
  const handler = createProxyHandler({ host: server.url, proxyKey: otherKey, clientIp: () => usVisitor });
  const response = await handler(
    new Request(`https://shop.example/zv/e/${site.trackingCode}`, {
      method: 'POST',
      body: trackerEvent(site).body,
      headers: browserHeaders,
    }),
  );
  assert.equal(response.status, 401);
  assert.equal((await response.json()).error.code, 'INVALID_PROXY_KEY');
});

test('createProxyHandler refuses a bad host or key up front', () => {
  assert.throws(() => createProxyHandler({ host: 'analytics.example.com', proxyKey: key }), /host must be/);
  assert.throws(() => createProxyHandler({ host: 'https://a.example/path', proxyKey: key }), /host must be/);
  assert.throws(() => createProxyHandler({ host: server.url, proxyKey: 'zv_nope' }), /proxyKey/);
});
