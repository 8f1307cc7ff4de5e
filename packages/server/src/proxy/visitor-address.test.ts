import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClientIpResolver } from '../http/client-ip.ts';
import { proxiedAddresses } from './visitor-address.ts';

test('a proxy connecting directly: it is the proxy, its right-most hop is the visitor', () => {
  const resolve = createClientIpResolver([]);
  assert.deepEqual(proxiedAddresses(resolve, '203.0.113.9', '8.8.8.8'), {
    proxy: '203.0.113.9',
    visitor: '8.8.8.8',
  });
  assert.deepEqual(proxiedAddresses(resolve, '::ffff:203.0.113.9', 'forged, 1.1.1.1, 8.8.8.8'), {
    proxy: '203.0.113.9',
    visitor: '8.8.8.8',
  });
  assert.deepEqual(proxiedAddresses(resolve, '203.0.113.9', ['1.1.1.1', '2620:fe::fe']), {
    proxy: '203.0.113.9',
    visitor: '2620:fe::fe',
  });
  // An empty trailing hop (a stray comma) is no hop.
  assert.deepEqual(proxiedAddresses(resolve, '203.0.113.9', '8.8.8.8, '), {
    proxy: '203.0.113.9',
    visitor: '8.8.8.8',
  });
});

test('behind the operator’s trusted load balancer: the hop it added is the proxy, the next the visitor', () => {
  const resolve = createClientIpResolver(['10.0.0.0/8']);
  assert.deepEqual(proxiedAddresses(resolve, '10.0.0.5', 'forged, 8.8.8.8, 203.0.113.9'), {
    proxy: '203.0.113.9',
    visitor: '8.8.8.8',
  });
  assert.deepEqual(proxiedAddresses(resolve, '10.0.0.5', '8.8.8.8, 203.0.113.9, 10.0.0.7'), {
    proxy: '203.0.113.9',
    visitor: '8.8.8.8',
  });
});

test('no usable visitor hop: undefined (the request is refused)', () => {
  const resolve = createClientIpResolver(['10.0.0.0/8']);
  assert.equal(proxiedAddresses(resolve, '203.0.113.9', undefined), undefined);
  assert.equal(proxiedAddresses(resolve, '203.0.113.9', ''), undefined);
  assert.equal(proxiedAddresses(resolve, '203.0.113.9', 'unknown'), undefined);
  // Through the load balancer, a proxy that added nothing leaves only its own address.
  assert.equal(proxiedAddresses(resolve, '10.0.0.5', '203.0.113.9'), undefined);
});
