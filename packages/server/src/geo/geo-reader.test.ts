import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { unknownLocation } from '../ingest/types.ts';
import { type GeoReader, openDbIpGeoReader } from './geo-reader.ts';

let geo: GeoReader;

before(async () => {
  geo = await openDbIpGeoReader();
});

test('public IPv4 addresses resolve to country, region and city', () => {
  assert.deepEqual(geo.lookup('8.8.8.8'), { country: 'US', region: 'California', city: 'Mountain View' });
  assert.equal(geo.lookup('1.1.1.1').country, 'AU');
  assert.equal(geo.lookup('81.2.69.142').country, 'GB');
});

test('public IPv6 addresses resolve through the IPv6 file; mapped IPv4 through the IPv4 file', () => {
  assert.equal(geo.lookup('2620:fe::fe').country, 'US');
  assert.equal(geo.lookup('2a00:1450:4001:81c::200e').country, 'DE');
  assert.deepEqual(geo.lookup('::ffff:8.8.8.8'), geo.lookup('8.8.8.8'));
});

test('private, loopback, reserved and malformed addresses are unknown', () => {
  for (const ip of [
    '10.0.0.1',
    '127.0.0.1',
    '192.168.0.1',
    '172.31.255.255',
    '100.64.0.1',
    '169.254.1.1',
    '0.0.0.0',
    '255.255.255.255',
    '::1',
    'fe80::1',
    'fd12:3456::1',
    '2001:db8::1',
    '',
    'not-an-ip',
    '999.1.1.1',
  ]) {
    assert.deepEqual(geo.lookup(ip), unknownLocation, ip);
  }
});
