import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { generateProxyKey } from '../packages/server/src/proxy/proxy-key.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { gbVisitor, storedRow, trackerEvent, usVisitor } from './proxy-helpers.ts';
import { send } from './support/http-from.ts';
import { addSite, startTestServer, type TestServer } from './support/test-server.ts';

// The server's side of the first-party proxy, driven by hand-made requests: what a valid key
// changes (client address, limits), and that anything else changes nothing or is refused.
let server: TestServer;
let site: Site;
let otherSite: Site;
let key: string;
let otherKey: string;

before(async () => {
  server = await startTestServer({
    config: {
      ingestLimits: [{ limit: 3, windowMs: 10_000 }],
      proxyIngestLimits: [{ limit: 10, windowMs: 10_000 }],
    },
  });
  site = await addSite(server, 'shop.example');
  otherSite = await addSite(server, 'blog.example');
  key = (await server.runtime.proxyKeys.create({ siteId: site.id })).key;
  otherKey = (await server.runtime.proxyKeys.create({ siteId: otherSite.id })).key;
});
after(() => server.stop());
// Every test starts with fresh rate-limit windows.
beforeEach(() => server.clock.advance(60_000));

function post(
  forSite: Site,
  headers: Record<string, string>,
  from = '127.0.0.1',
): Promise<{ status: number; body: unknown; marker: string; retryAfter: unknown }> {
  const event = trackerEvent(forSite);
  return send(server.port, {
    path: `/e/${forSite.trackingCode}`,
    body: event.body,
    headers: { 'content-type': 'text/plain', origin: `https://${forSite.domain}`, ...headers },
    localAddress: from,
  }).then((answer) => ({
    status: answer.status,
    body: answer.body,
    marker: event.marker,
    retryAfter: answer.headers['retry-after'],
  }));
}

const country = async (marker: string) => (await storedRow(server, site, marker)).country;

test('with this site’s key, the right-most X-Forwarded-For hop is the visitor and is located', async () => {
  const us = await post(site, { 'x-zenovay-proxy-key': key, 'x-forwarded-for': usVisitor });
  assert.equal(us.status, 202, JSON.stringify(us.body));
  assert.equal(await country(us.marker), 'US');
  // Hops to the left came from the visitor and could say anything; only the proxy's own counts.
  const gb = await post(site, {
    'x-zenovay-proxy-key': key,
    'x-forwarded-for': `${usVisitor}, ${gbVisitor}`,
  });
  assert.equal(gb.status, 202);
  assert.equal(await country(gb.marker), 'GB');
});

test('without a key the same X-Forwarded-For changes nothing: the connecting address rules', async () => {
  const plain = await post(site, { 'x-forwarded-for': usVisitor });
  assert.equal(plain.status, 202);
  assert.equal(await country(plain.marker), '', 'located as 127.0.0.1 (nowhere), not as 8.8.8.8');
});

test('another site’s key, a revoked key or a made-up key is refused with 401, never downgraded', async () => {
  const expect401 = async (presented: string) => {
    const answer = await post(site, { 'x-zenovay-proxy-key': presented, 'x-forwarded-for': usVisitor });
    assert.equal(answer.status, 401, presented);
    assert.equal((answer.body as { error: { code: string } }).error.code, 'INVALID_PROXY_KEY');
  };
  await expect401(otherKey);
  await expect401(`zvp_${'A'.repeat(43)}`);
  await expect401('not-a-key');
  await expect401('');
  const doomed = await server.runtime.proxyKeys.create({ siteId: site.id, name: 'doomed' });
  assert.equal(
    (await post(site, { 'x-zenovay-proxy-key': doomed.key, 'x-forwarded-for': usVisitor })).status,
    202,
  );
  await server.runtime.proxyKeys.revoke(doomed.record.prefix);
  await expect401(doomed.key);
  // The other site's key works for its own site.
  const own = await post(otherSite, { 'x-zenovay-proxy-key': otherKey, 'x-forwarded-for': gbVisitor });
  assert.equal(own.status, 202);
});

test('a valid key without a usable X-Forwarded-For is refused, not counted as the proxy', async () => {
  for (const forwardedFor of [undefined, '', 'garbage', `${usVisitor}, not-an-ip`]) {
    const headers: Record<string, string> = { 'x-zenovay-proxy-key': key };
    if (forwardedFor !== undefined) headers['x-forwarded-for'] = forwardedFor;
    const answer = await post(site, headers);
    assert.equal(answer.status, 400, String(forwardedFor));
    assert.equal((answer.body as { error: { code: string } }).error.code, 'INVALID_FORWARDED_FOR');
  }
});

test('each visitor behind the proxy has its own per-IP budget', async () => {
  const via = (visitor: string) => post(site, { 'x-zenovay-proxy-key': key, 'x-forwarded-for': visitor });
  for (let i = 0; i < 3; i++) assert.equal((await via(usVisitor)).status, 202);
  const refused = await via(usVisitor);
  assert.equal(refused.status, 429);
  assert.equal((refused.body as { error: { code: string } }).error.code, 'RATE_LIMIT_EXCEEDED');
  assert.ok(Number(refused.retryAfter) >= 1);
  // The second visitor, through the same proxy address, is untouched by the first one's refusal.
  for (let i = 0; i < 3; i++) assert.equal((await via(gbVisitor)).status, 202);
  // And the proxy's own address keeps its own budget as a plain client.
  assert.equal((await post(site, {})).status, 202);
});

test('the proxy’s own address has its own, higher limit across all its visitors', async () => {
  // proxyIngestLimits is 10 per window here: ten visitors' first events pass, the eleventh not.
  const statuses: number[] = [];
  for (let i = 1; i <= 11; i++) {
    const visitor = `81.2.69.${100 + i}`;
    statuses.push((await post(site, { 'x-zenovay-proxy-key': key, 'x-forwarded-for': visitor })).status);
  }
  assert.deepEqual(statuses, [...Array(10).fill(202), 429]);
  // Another proxy (another connecting address) is not affected.
  const elsewhere = await post(
    site,
    { 'x-zenovay-proxy-key': key, 'x-forwarded-for': usVisitor },
    '127.0.0.9',
  );
  assert.equal(elsewhere.status, 202);
});

test('/z.js is served with a valid key (any site’s) or none, and a wrong key is refused', async () => {
  const script = (headers: Record<string, string>) =>
    send(server.port, { method: 'GET', path: '/z.js', headers });
  const plain = await script({});
  assert.equal(plain.status, 200);
  const proxied = await script({ 'x-zenovay-proxy-key': key, 'x-forwarded-for': usVisitor });
  assert.equal(proxied.status, 200);
  assert.equal(proxied.text, plain.text);
  assert.equal((await script({ 'x-zenovay-proxy-key': otherKey })).status, 200);
  const wrong = await script({ 'x-zenovay-proxy-key': `zvp_${'B'.repeat(43)}` });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error.code, 'INVALID_PROXY_KEY');
});

test('refusals of proxy keys are counted for the site like every refusal', async () => {
  await post(site, { 'x-zenovay-proxy-key': otherKey, 'x-forwarded-for': usVisitor });
  await server.runtime.refusals.flush();
  const counts = await server.runtime.metadata.refusals('0000-00-00', site.id);
  const invalid = counts.find((item) => item.reason === 'INVALID_PROXY_KEY');
  assert.ok(invalid && invalid.count >= 1, JSON.stringify(counts));
});

test('keys created or revoked by another server sharing the store take effect on reload', async () => {
  // Another node writes to the shared metadata store directly; this node learns on its reload.
  const elsewhere = generateProxyKey();
  await server.runtime.metadata.createProxyKey({
    prefix: elsewhere.prefix,
    keyHash: elsewhere.keyHash,
    siteId: site.id,
    name: 'other node',
    createdAt: new Date(server.clock.now()).toISOString(),
    revokedAt: null,
  });
  const headers = { 'x-zenovay-proxy-key': elsewhere.key, 'x-forwarded-for': usVisitor };
  assert.equal((await post(site, headers)).status, 401, 'not known before the reload');
  await server.runtime.proxyKeys.reload();
  assert.equal((await post(site, headers)).status, 202);
  await server.runtime.metadata.revokeProxyKey(elsewhere.prefix, new Date(server.clock.now()).toISOString());
  await server.runtime.proxyKeys.reload();
  assert.equal((await post(site, headers)).status, 401);
});
