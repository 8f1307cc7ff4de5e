import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemorySignInAttempts } from '../packages/server/src/limits/sign-in-attempts.ts';
import { attempt, limits, scenarios, t0 } from './support/sign-in-scenarios.ts';

for (const scenario of scenarios) {
  test(`in memory: ${scenario.name}`, () => scenario.run(new MemorySignInAttempts(limits)));
}

test('in memory: counters of ended windows are swept, so memory follows recent activity', async () => {
  const store = new MemorySignInAttempts(limits);
  for (let i = 0; i < 100; i++) await attempt(store, `user${i}@example.com`, `192.0.2.${i}`, t0 + i, false);
  // 100 pairs, 100 addresses, 100 emails.
  assert.equal(store.size, 300);
  await attempt(store, 'late@example.com', '198.51.100.1', t0 + 900_100, false);
  assert.equal(store.size, 3);
});
