import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Site } from '../packages/server/src/store/types.ts';
import { postEventFrom } from './support/http-from.ts';
import {
  addSite,
  serverDefaults,
  startTestServer,
  storedEvents,
  type TestServer,
} from './support/test-server.ts';

// Only 127.0.0.1 is the operator's "load balancer"; other loopback sources are ordinary clients.
let proxied: TestServer;
let proxiedSite: Site;

before(async () => {
  proxied = await startTestServer({ config: { trustedProxyCidrs: ['127.0.0.1/32', '10.0.0.0/8'] } });
  proxiedSite = await addSite(proxied, 'example.com');
});

after(() => proxied.stop());

let sequence = 0;

/** Sends one event and returns the location stored for it. */
async function locate(
  server: TestServer,
  site: Site,
  from: string,
  forwardedFor?: string,
): Promise<{ country: unknown; region: unknown; city: unknown }> {
  const sessionId = `srv-geo-${String(++sequence).padStart(4, '0')}`;
  const body = { ...serverDefaults, url: 'https://example.com/', session_id: sessionId };
  const headers: Record<string, string> =
    forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  const response = await postEventFrom(server, site.trackingCode, body, from, headers);
  assert.equal(response.status, 202, JSON.stringify(response.body));
  const row = (await storedEvents(server, site.id)).find((item) => item.session_id === sessionId);
  assert.ok(row, 'the event was stored');
  return { country: row.country, region: row.region, city: row.city };
}

test('known public IPv4 addresses are located (DB-IP Lite)', async () => {
  assert.deepEqual(await locate(proxied, proxiedSite, '127.0.0.1', '8.8.8.8'), {
    country: 'US',
    region: 'California',
    city: 'Mountain View',
  });
  assert.equal((await locate(proxied, proxiedSite, '127.0.0.1', '1.1.1.1')).country, 'AU');
  const london = await locate(proxied, proxiedSite, '127.0.0.1', '81.2.69.142');
  assert.equal(london.country, 'GB');
  assert.equal(london.region, 'England');
});

test('IPv6 addresses are looked up in the IPv6 file', async () => {
  // Quad9's resolver. (This DB-IP edition places Google's 2001:4860:4860::8888 in Canada.)
  const quad9 = await locate(proxied, proxiedSite, '127.0.0.1', '2620:fe::fe');
  assert.equal(quad9.country, 'US');
  assert.equal(quad9.region, 'California');
  assert.equal((await locate(proxied, proxiedSite, '127.0.0.1', '2a00:1450:4001:81c::200e')).country, 'DE');
  const mapped = await locate(proxied, proxiedSite, '127.0.0.1', '::ffff:8.8.8.8');
  assert.equal(mapped.country, 'US', 'an IPv4-mapped IPv6 address is located as IPv4');
});

test('private, loopback and link-local addresses are unknown', async () => {
  const unknown = { country: '', region: '', city: '' };
  for (const address of [
    '192.168.1.20',
    '172.16.5.4',
    '100.64.0.1',
    '169.254.10.10',
    'fd00::1',
    'fe80::1',
    '::1',
  ]) {
    assert.deepEqual(await locate(proxied, proxiedSite, '127.0.0.1', address), unknown, address);
  }
  assert.deepEqual(await locate(proxied, proxiedSite, '127.0.0.1'), unknown, 'the loopback client itself');
});

test('X-Forwarded-For from an untrusted connecting address is ignored', async () => {
  const spoofed = await locate(proxied, proxiedSite, '127.0.0.2', '8.8.8.8');
  assert.equal(spoofed.country, '', 'the connecting loopback address decides, not the header');
});

test('X-Forwarded-For is ignored when no proxy is trusted', async () => {
  const plain = await startTestServer();
  try {
    const site = await addSite(plain, 'example.com');
    assert.equal((await locate(plain, site, '127.0.0.1', '8.8.8.8')).country, '');
  } finally {
    await plain.stop();
  }
});

test('the right-most untrusted hop is the client; hops left of it are not believed', async () => {
  // The client claims to be 1.1.1.1 (AU); the real client the proxy saw was 8.8.8.8 (US).
  assert.equal((await locate(proxied, proxiedSite, '127.0.0.1', '1.1.1.1, 8.8.8.8')).country, 'US');
  // Trusted inner proxies (10.0.0.0/8) are skipped from the right.
  assert.equal(
    (await locate(proxied, proxiedSite, '127.0.0.1', '1.1.1.1, 81.2.69.142, 10.3.4.5')).country,
    'GB',
  );
  // A garbled chain is not believed at all: the proxy itself (loopback) is the client.
  assert.equal((await locate(proxied, proxiedSite, '127.0.0.1', '8.8.8.8, garbage')).country, '');
});

test('behind a trusted proxy each forwarded client has its own rate budget', async () => {
  const limited = await startTestServer({
    config: { trustedProxyCidrs: ['127.0.0.1/32'], ingestLimits: [{ limit: 2, windowMs: 10_000 }] },
  });
  try {
    const site = await addSite(limited, 'example.com');
    const body = { ...serverDefaults, url: 'https://example.com/', session_id: 'srv-geo-rate' };
    const send = (client: string) =>
      postEventFrom(limited, site.trackingCode, body, '127.0.0.1', { 'x-forwarded-for': client });
    assert.equal((await send('8.8.8.8')).status, 202);
    assert.equal((await send('8.8.8.8')).status, 202);
    assert.equal((await send('8.8.8.8')).status, 429);
    assert.equal((await send('1.1.1.1')).status, 202, 'another client behind the same proxy');
  } finally {
    await limited.stop();
  }
});
