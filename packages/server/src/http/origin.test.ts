import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Site } from '../store/types.ts';
import { originAllowed } from './origin.ts';

const site: Site = {
  id: 'site-1',
  domain: 'example.com',
  name: 'example.com',
  trackingCode: 'ZV_test',
  timezone: 'UTC',
  createdAt: '2026-03-10T12:00:00.000Z',
};

test('no Origin (a server) passes', () => {
  assert.equal(originAllowed(site, undefined), true);
});

test('the domain and its subdomains pass, whatever the scheme and port', () => {
  for (const origin of [
    'https://example.com',
    'http://example.com:8080',
    'https://www.example.com',
    'https://a.b.example.com',
    'https://EXAMPLE.com',
  ]) {
    assert.equal(originAllowed(site, origin), true, origin);
  }
});

test('other domains, lookalikes and opaque origins are refused', () => {
  for (const origin of [
    'https://evil.example',
    'https://notexample.com',
    'https://example.com.evil.example',
    'https://example.co',
    'https://xexample.com',
    'null',
    '',
    'example.com',
  ]) {
    assert.equal(originAllowed(site, origin), false, origin);
  }
});
