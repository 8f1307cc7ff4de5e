import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from './backoff.js';

const options = { baseMs: 100, maxMs: 5_000 };

test('the step doubles per attempt: half fixed, half jitter', () => {
  assert.equal(
    backoffDelay(1, options, () => 0),
    50,
  );
  assert.equal(
    backoffDelay(1, options, () => 1),
    100,
  );
  assert.equal(
    backoffDelay(2, options, () => 0),
    100,
  );
  assert.equal(
    backoffDelay(3, options, () => 1),
    400,
  );
  assert.equal(
    backoffDelay(4, options, () => 0.5),
    600,
  );
});

test('no delay exceeds the cap, however many attempts', () => {
  for (const attempt of [7, 8, 20, 1_000, Number.MAX_SAFE_INTEGER]) {
    assert.equal(
      backoffDelay(attempt, options, () => 1),
      5_000,
    );
    assert.equal(
      backoffDelay(attempt, options, () => 0),
      2_500,
    );
  }
});

test('jitter spreads clients that failed together', () => {
  const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5, options)));
  assert.ok(delays.size > 10, `only ${delays.size} distinct delays`);
  for (const delay of delays) assert.ok(delay >= 800 && delay <= 1_600, `delay ${delay}`);
});

test('a random source out of [0, 1] and attempt 0 stay within bounds', () => {
  assert.equal(
    backoffDelay(0, options, () => 0),
    50,
  );
  assert.equal(
    backoffDelay(2, options, () => 7),
    200,
  );
  assert.equal(
    backoffDelay(2, options, () => -3),
    100,
  );
});
