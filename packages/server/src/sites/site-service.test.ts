import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidDomainError, newTrackingCode, normalizeDomain } from './site-service.ts';

test('tracking codes are ZV_ plus 160 random bits, URL-safe and all different', () => {
  const codes = new Set(Array.from({ length: 1_000 }, () => newTrackingCode()));
  assert.equal(codes.size, 1_000);
  for (const code of codes) assert.match(code, /^ZV_[A-Za-z0-9_-]{27}$/);
});

test('what a person types is reduced to the bare host the Origin check compares', () => {
  const cases: Array<[string, string]> = [
    ['example.com', 'example.com'],
    ['  Example.COM ', 'example.com'],
    ['https://www.example.com/', 'www.example.com'],
    ['http://shop.example.com:8080/path?q=1', 'shop.example.com'],
    ['example.com/blog', 'example.com'],
    ['example.com.', 'example.com'],
    ['localhost', 'localhost'],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeDomain(input), expected, input);
});

test('things that are not domains are refused with a readable message', () => {
  for (const input of [
    '',
    '   ',
    'not a domain',
    'exa_mple.com',
    '-example.com',
    'example..com',
    'https://',
    'a'.repeat(64),
  ]) {
    assert.throws(() => normalizeDomain(input), InvalidDomainError, JSON.stringify(input));
  }
});
