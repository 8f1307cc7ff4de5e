import assert from 'node:assert/strict';
import {
  type SignInAttempts,
  type SignInLimits,
  signInKeys,
} from '../../packages/server/src/limits/sign-in-attempts.ts';

/** The production numbers (dashboard/wiring.ts), written out: a test must not read them from the code. */
export const limits: SignInLimits = { perPair: 10, perAddress: 30, perEmail: 50, windowMs: 900_000 };
export const t0 = Date.parse('2026-03-10T12:00:00Z');

type Outcome = 'signed-in' | 'wrong-password' | `refused ${number}s`;

/** What the sign-in route does: ask, then (when allowed) report a right password. */
export async function attempt(
  store: SignInAttempts,
  email: string,
  address: string,
  nowMs: number,
  rightPassword: boolean,
): Promise<Outcome> {
  const keys = signInKeys(email, address);
  const decision = await store.begin(keys, nowMs);
  if (!decision.allowed) return `refused ${decision.retryAfterMs / 1000}s`;
  if (!rightPassword) return 'wrong-password';
  await store.succeeded(keys, nowMs);
  return 'signed-in';
}

export interface Scenario {
  readonly name: string;
  run(store: SignInAttempts): Promise<void>;
}

/** The same stories for every implementation (memory, Redis). */
export const scenarios: Scenario[] = [
  {
    name: 'an attacker on many addresses cannot keep the owner out, and stops getting guesses',
    async run(store) {
      // Five addresses spend their ten guesses each: 50 failures on the owner's email.
      for (let a = 1; a <= 5; a++) {
        for (let i = 0; i < 10; i++) {
          const now = t0 + a * 10_000 + i * 100;
          assert.equal(
            await attempt(store, 'owner@example.com', `203.0.113.${a}`, now, false),
            'wrong-password',
          );
        }
      }
      // Each of those addresses is stopped even with the right password: its own ten are spent
      // (address 1 started at t0 + 10 s, so 900 - 50 + 10 = 860 s remain at t0 + 50 s).
      assert.equal(
        await attempt(store, 'owner@example.com', '203.0.113.1', t0 + 50_000, true),
        'refused 860s',
      );
      // A sixth address gets one guess (it had no failures), then the per-email limit applies
      // until the email's window ends (it began with the first failure, at t0 + 10 s: 910 - 61 s)
      // or the address's own one does (t0 + 960 s), whichever comes first.
      assert.equal(
        await attempt(store, 'OWNER@example.com ', '203.0.113.6', t0 + 60_000, false),
        'wrong-password',
      );
      assert.equal(
        await attempt(store, 'owner@example.com', '203.0.113.6', t0 + 61_000, false),
        'refused 849s',
      );
      // The owner, from an address with no failures, signs in during the attack, twice.
      assert.equal(
        await attempt(store, 'owner@example.com', '198.51.100.20', t0 + 62_000, true),
        'signed-in',
      );
      assert.equal(
        await attempt(store, 'owner@example.com', '198.51.100.20', t0 + 63_000, true),
        'signed-in',
      );
      // A different account is not affected by the attack on this one.
      assert.equal(await attempt(store, 'other@example.com', '203.0.113.6', t0 + 64_000, true), 'signed-in');
    },
  },
  {
    name: 'guessing from one address stops after ten failures, right password included, until the window ends',
    async run(store) {
      for (let i = 0; i < 10; i++) {
        assert.equal(
          await attempt(store, 'owner@example.com', '192.0.2.1', t0 + i * 1_000, false),
          'wrong-password',
        );
      }
      assert.equal(
        await attempt(store, 'owner@example.com', '192.0.2.1', t0 + 10_000, false),
        'refused 890s',
      );
      // Hammering while refused spends nothing: the wait only runs down.
      for (let i = 0; i < 20; i++) await attempt(store, 'owner@example.com', '192.0.2.1', t0 + 20_000, false);
      assert.equal(await attempt(store, 'owner@example.com', '192.0.2.1', t0 + 899_000, true), 'refused 1s');
      assert.equal(await attempt(store, 'owner@example.com', '192.0.2.1', t0 + 900_000, true), 'signed-in');
    },
  },
  {
    name: 'IPv6 addresses of one /64 share their counts',
    async run(store) {
      for (let i = 0; i < 10; i++) {
        assert.equal(
          await attempt(store, 'owner@example.com', '2001:db8:1:2::/64', t0 + i, false),
          'wrong-password',
        );
      }
      assert.equal(
        await attempt(store, 'owner@example.com', '2001:db8:1:2::/64', t0 + 1_000, true),
        'refused 899s',
      );
      assert.equal(
        await attempt(store, 'owner@example.com', '2001:db8:1:3::/64', t0 + 1_000, true),
        'signed-in',
      );
    },
  },
  {
    name: 'one address trying many emails stops after thirty failures in all',
    async run(store) {
      for (let i = 0; i < 30; i++) {
        assert.equal(
          await attempt(store, `user${i}@example.com`, '192.0.2.9', t0 + i * 1_000, false),
          'wrong-password',
        );
      }
      assert.equal(await attempt(store, 'fresh@example.com', '192.0.2.9', t0 + 30_000, true), 'refused 870s');
      assert.equal(await attempt(store, 'fresh@example.com', '192.0.2.10', t0 + 30_000, true), 'signed-in');
    },
  },
  {
    name: 'only failures count: a right password clears the address’s failures for that email',
    async run(store) {
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 9; i++) {
          const now = t0 + round * 10_000 + i;
          assert.equal(await attempt(store, 'owner@example.com', '192.0.2.5', now, false), 'wrong-password');
        }
        assert.equal(
          await attempt(store, 'owner@example.com', '192.0.2.5', t0 + round * 10_000 + 9, true),
          'signed-in',
        );
      }
      // 27 failures on the address so far, and the 3 successes were given back: 3 more, then it stops.
      for (let i = 0; i < 3; i++) {
        assert.equal(
          await attempt(store, 'owner@example.com', '192.0.2.5', t0 + 40_000 + i, false),
          'wrong-password',
        );
      }
      assert.equal(await attempt(store, 'owner@example.com', '192.0.2.5', t0 + 50_000, true), 'refused 850s');
      // Successes alone never lock anyone out.
      for (let i = 0; i < 100; i++) {
        assert.equal(
          await attempt(store, 'owner@example.com', '198.51.100.30', t0 + 60_000 + i, true),
          'signed-in',
        );
      }
    },
  },
];
