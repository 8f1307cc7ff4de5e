import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRetryAfter } from './retry-after.js';

const now = Date.parse('2026-03-10T12:00:00Z');

test('seconds become milliseconds', () => {
  assert.equal(parseRetryAfter('0', now), 0);
  assert.equal(parseRetryAfter('1', now), 1_000);
  assert.equal(parseRetryAfter(' 120 ', now), 120_000);
});

test('an HTTP-date is the time from now until then; a past date means now', () => {
  assert.equal(parseRetryAfter('Tue, 10 Mar 2026 12:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Tuesday, 10-Mar-26 12:01:00 GMT', now), 60_000);
  assert.equal(parseRetryAfter('Tue, 10 Mar 2026 11:00:00 GMT', now), 0);
});

test('absent or unreadable values give null, so the caller uses its backoff', () => {
  for (const value of [null, undefined, '', '  ', '-1', '1.5', 'soon', '5s', '1e3', 'Tue, 99 Foo 2026']) {
    assert.equal(parseRetryAfter(value, now), null, String(value));
  }
});
