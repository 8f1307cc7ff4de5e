import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClientIpResolver, normalizeIp, rateLimitKey } from './client-ip.ts';

test('without trusted proxies X-Forwarded-For is ignored: the connecting address is the client', () => {
  const resolve = createClientIpResolver([]);
  assert.equal(resolve('203.0.113.7', '8.8.8.8'), '203.0.113.7');
  assert.equal(resolve('127.0.0.1', '8.8.8.8, 1.1.1.1'), '127.0.0.1');
  assert.equal(resolve('::ffff:203.0.113.7', undefined), '203.0.113.7', 'IPv4-mapped IPv6 is one client');
});

test('X-Forwarded-For from an untrusted connecting address is ignored', () => {
  const resolve = createClientIpResolver(['10.0.0.0/8']);
  assert.equal(resolve('203.0.113.7', '8.8.8.8'), '203.0.113.7');
  assert.equal(resolve('11.0.0.1', '8.8.8.8'), '11.0.0.1');
});

test('from a trusted proxy the right-most untrusted hop is the client', () => {
  const resolve = createClientIpResolver(['10.0.0.0/8', '192.168.1.1']);
  assert.equal(resolve('10.0.0.5', '8.8.8.8'), '8.8.8.8');
  // Hops left of the right-most untrusted one could be written by the client itself.
  assert.equal(resolve('10.0.0.5', '1.2.3.4, 8.8.8.8'), '8.8.8.8');
  assert.equal(resolve('10.0.0.5', 'forged, 1.1.1.1, 8.8.8.8, 10.2.3.4, 192.168.1.1'), '8.8.8.8');
  // Several X-Forwarded-For headers count as one list, in order.
  assert.equal(resolve('10.0.0.5', ['1.1.1.1', '8.8.8.8, 10.9.9.9']), '8.8.8.8');
  assert.equal(resolve('::ffff:10.0.0.5', '8.8.8.8'), '8.8.8.8', 'a mapped proxy address is still trusted');
});

test('a chain of only trusted hops gives its left-most hop; an empty header gives the proxy', () => {
  const resolve = createClientIpResolver(['10.0.0.0/8']);
  assert.equal(resolve('10.0.0.5', '10.1.1.1, 10.2.2.2'), '10.1.1.1');
  assert.equal(resolve('10.0.0.5', ''), '10.0.0.5');
  assert.equal(resolve('10.0.0.5', undefined), '10.0.0.5');
  assert.equal(resolve('10.0.0.5', ' , 8.8.8.8 , '), '8.8.8.8', 'blank entries are skipped');
});

test('a garbled chain is not believed at all', () => {
  const resolve = createClientIpResolver(['10.0.0.0/8']);
  assert.equal(resolve('10.0.0.5', 'not-an-ip'), '10.0.0.5');
  assert.equal(resolve('10.0.0.5', '8.8.8.8, <script>'), '10.0.0.5');
});

test('IPv6 proxies and clients', () => {
  const resolve = createClientIpResolver(['2001:db8::/32', '::1']);
  assert.equal(resolve('2001:db8::10', '2a00:1450:4001:81c::200e'), '2a00:1450:4001:81c::200e');
  assert.equal(resolve('::1', '8.8.8.8'), '8.8.8.8');
  assert.equal(resolve('2001:db9::10', '8.8.8.8'), '2001:db9::10', 'outside the trusted range');
  assert.equal(resolve('2001:db8::10', '2001:DB8::20, 2606:4700::1111'), '2606:4700::1111');
});

test('an IPv4-mapped IPv6 range trusts the IPv4 addresses it maps', () => {
  const resolve = createClientIpResolver(['::ffff:10.0.0.0/104']);
  assert.equal(resolve('10.1.2.3', '8.8.8.8'), '8.8.8.8');
  assert.equal(resolve('::ffff:10.1.2.3', '8.8.8.8'), '8.8.8.8');
  assert.equal(resolve('11.1.2.3', '8.8.8.8'), '11.1.2.3');
});

test('a bad trusted-proxy entry fails at start with a readable message', () => {
  assert.throws(() => createClientIpResolver(['10.0.0.0/33']), /not an IP address or CIDR range/);
  assert.throws(() => createClientIpResolver(['proxy.internal']), /"proxy.internal"/);
});

test('normalizeIp strips the IPv4-mapped prefix and leaves non-addresses alone', () => {
  assert.equal(normalizeIp('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(normalizeIp('2001:DB8::1'), '2001:db8::1');
  assert.equal(normalizeIp('garbage'), 'garbage');
});

test('rate-limit keys: one per IPv4 address, one per IPv6 /64', () => {
  assert.equal(rateLimitKey('203.0.113.7'), '203.0.113.7');
  assert.equal(rateLimitKey('::ffff:203.0.113.7'), '203.0.113.7');
  assert.equal(rateLimitKey('2001:db8:1:2:aaaa::1'), rateLimitKey('2001:db8:1:2:bbbb::2'));
  assert.notEqual(rateLimitKey('2001:db8:1:2::1'), rateLimitKey('2001:db8:1:3::1'));
});
