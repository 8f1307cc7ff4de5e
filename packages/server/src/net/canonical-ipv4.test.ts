import assert from 'node:assert/strict';
import { test } from 'node:test';
import ipaddr from 'ipaddr.js';
import { isCanonicalIpv4 } from './canonical-ipv4.ts';

test('canonical dotted quads are recognised, and are exactly what ipaddr.js would normalise them to', () => {
  for (const ip of ['0.0.0.0', '1.2.3.4', '8.8.8.8', '127.0.0.1', '192.168.100.200', '255.255.255.255']) {
    assert.equal(isCanonicalIpv4(ip), true, ip);
    assert.equal(ipaddr.process(ip).toString(), ip);
  }
});

test('every other spelling goes the general way', () => {
  for (const ip of [
    '',
    '01.2.3.4',
    '1.2.3.04',
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '0x7f.0.0.1',
    '::ffff:1.2.3.4',
    '::1',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1.2.3.4\n',
    '2130706433',
  ]) {
    assert.equal(isCanonicalIpv4(ip), false, JSON.stringify(ip));
  }
});
