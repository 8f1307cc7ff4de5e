import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryRateLimiter } from './rate-limiter.ts';

const rules = [
  { limit: 60, windowMs: 10_000 },
  { limit: 5_000, windowMs: 3_600_000 },
];

test('the 61st request within 10 s is refused, and allowed again when the window ends', () => {
  const limiter = new MemoryRateLimiter(rules);
  const start = 1_000_000;
  for (let i = 0; i < 60; i++) assert.equal(limiter.consume('1.2.3.4', start + i * 100).allowed, true);
  const refused = limiter.consume('1.2.3.4', start + 9_999);
  assert.equal(refused.allowed, false);
  assert.equal(refused.remaining, 0);
  assert.equal(refused.retryAfterMs, 1);
  assert.equal(limiter.consume('5.6.7.8', start + 9_999).allowed, true, 'other clients are unaffected');
  assert.equal(limiter.consume('1.2.3.4', start + 10_000).allowed, true);
});

test('the hourly budget holds across burst windows', () => {
  const limiter = new MemoryRateLimiter([
    { limit: 60, windowMs: 10_000 },
    { limit: 100, windowMs: 3_600_000 },
  ]);
  let now = 0;
  let allowed = 0;
  for (let window = 0; window < 3; window++, now += 10_000) {
    for (let i = 0; i < 60; i++) if (limiter.consume('k', now).allowed) allowed++;
  }
  assert.equal(allowed, 100);
  const refused = limiter.consume('k', now);
  assert.equal(refused.allowed, false);
  assert.equal(refused.limit, 100);
  assert.equal(refused.retryAfterMs, 3_600_000 - now);
});

test('idle keys are swept so memory stays bounded', () => {
  const limiter = new MemoryRateLimiter(rules);
  for (let i = 0; i < 1_000; i++) limiter.consume(`ip-${i}`, 0);
  assert.equal(limiter.size, 1_000);
  limiter.consume('late', 3_600_000 + 60_000);
  assert.equal(limiter.size, 1);
});
