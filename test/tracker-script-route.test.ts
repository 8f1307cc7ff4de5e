import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { buildTracker } from '@zenovay/tracker';
import { startTestServer, type TestServer } from './support/test-server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.stop());

const get = (headers: Record<string, string> = {}) => fetch(`${server.url}/z.js`, { headers });

test('GET /z.js serves the built script as JavaScript with long-lived caching and an ETag', async () => {
  const response = await get({ 'accept-encoding': 'identity' });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(response.headers.get('content-encoding'), null);
  const cacheControl = response.headers.get('cache-control') ?? '';
  assert.match(cacheControl, /\bpublic\b/);
  const maxAge = Number(/max-age=(\d+)/.exec(cacheControl)?.[1]);
  assert.ok(maxAge >= 86_400, `max-age ${maxAge} is shorter than a day`);
  assert.match(response.headers.get('etag') ?? '', /^"[A-Za-z0-9_-]{22}"$/);
  assert.equal(response.headers.get('access-control-allow-origin'), null);
  assert.equal(await response.text(), (await buildTracker()).code);
});

test('gzip is sent to clients that accept it, with its own ETag', async () => {
  const plain = await get({ 'accept-encoding': 'identity' });
  // Node's fetch would decode gzip itself; ask the raw bytes through a header it does not add.
  const { request } = await import('node:http');
  const raw = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    request(`${server.url}/z.js`, { headers: { 'accept-encoding': 'gzip, br;q=0.5' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
  assert.equal(raw.headers['content-encoding'], 'gzip');
  assert.match(String(raw.headers.vary), /accept-encoding/i);
  assert.equal(gunzipSync(raw.body).toString(), await plain.text());
  assert.notEqual(raw.headers.etag, plain.headers.get('etag'));
  const refused = await get({ 'accept-encoding': 'gzip;q=0' });
  assert.equal(refused.headers.get('content-encoding'), null);
});

test('If-None-Match with the current ETag gets 304 and no body; another ETag gets the script', async () => {
  const first = await get({ 'accept-encoding': 'identity' });
  const etag = first.headers.get('etag')!;
  await first.arrayBuffer();
  for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
    const again = await get({ 'accept-encoding': 'identity', 'if-none-match': header });
    assert.equal(again.status, 304, header);
    assert.equal(again.headers.get('etag'), etag);
    assert.match(again.headers.get('cache-control') ?? '', /max-age=/);
    assert.equal((await again.arrayBuffer()).byteLength, 0);
  }
  const stale = await get({ 'accept-encoding': 'identity', 'if-none-match': '"an-old-version"' });
  assert.equal(stale.status, 200);
  assert.ok((await stale.text()).length > 100);
});

test('HEAD /z.js answers with the headers only', async () => {
  const response = await fetch(`${server.url}/z.js`, { method: 'HEAD' });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.ok(response.headers.get('etag'));
});
