import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AccountStore, UserRecord } from '../../packages/server/src/accounts/types.ts';

/** A fresh, empty account store and how to dispose of it. */
export type AccountStoreFactory = () => Promise<{ store: AccountStore; dispose: () => Promise<void> }>;

const user = (n: number, createdAt: string): UserRecord => ({
  id: `user-${n}`,
  email: `person${n}@example.com`,
  passwordHash: `scrypt$hash-${n}`,
  createdAt,
});

/** The AccountStore contract: the embedded and the PostgreSQL store must both pass it, unchanged. */
export function accountContract(name: string, factory: AccountStoreFactory, skip?: string) {
  describe(`AccountStore contract: ${name}`, { skip }, () => {
    let store: AccountStore;
    let dispose: () => Promise<void>;
    before(async () => {
      ({ store, dispose } = await factory());
    });
    after(async () => dispose?.());

    test('users: the first only once, emails unique, found by email and id, oldest first', async () => {
      assert.equal(await store.countUsers(), 0);
      assert.equal(await store.firstUserId(), undefined);
      // Warm a connection pool so the racers below really run side by side.
      await Promise.all([1, 2, 3, 4, 5, 6].map(() => store.countUsers()));
      // Setup pages racing on several nodes: exactly one becomes the first user.
      const racers = [2, 3, 4, 5, 6, 7].map((n) => user(n, `2026-03-10T12:00:0${n}.500Z`));
      const raced = await Promise.all(racers.map((racer) => store.createUser(racer, { onlyIfFirst: true })));
      assert.equal(raced.filter((created) => created).length, 1);
      assert.equal(await store.countUsers(), 1);
      const winner = racers[raced.indexOf(true)]!;
      assert.equal(
        await store.createUser({ ...user(8, '2026-03-10T12:00:09.000Z'), email: winner.email }),
        false,
      );
      assert.equal(await store.createUser(user(1, '2026-03-10T12:00:00.000Z')), true);
      assert.equal(await store.countUsers(), 2);
      assert.deepEqual(await store.userByEmail(winner.email), winner);
      assert.deepEqual(await store.userById('user-1'), user(1, '2026-03-10T12:00:00.000Z'));
      assert.equal(await store.userByEmail('nobody@example.com'), undefined);
      assert.equal(await store.userById('nope'), undefined);
      assert.equal(await store.firstUserId(), 'user-1', 'the oldest account, by creation time');
    });

    test('sessions: by token hash, deleted one by one or when expired', async () => {
      const session = (n: number, expiresAtMs: number) => ({
        tokenHash: `hash-${n}`,
        userId: 'user-1',
        createdAtMs: 1_000,
        expiresAtMs,
      });
      await store.createSession(session(1, 5_000));
      await store.createSession(session(2, 9_000));
      await store.createSession(session(3, 9_000));
      assert.deepEqual(await store.sessionByHash('hash-1'), session(1, 5_000));
      await store.deleteExpiredSessions(5_000);
      assert.equal(await store.sessionByHash('hash-1'), undefined, 'expiry at now is expired');
      assert.deepEqual(await store.sessionByHash('hash-2'), session(2, 9_000));
      await store.deleteSession('hash-2');
      assert.equal(await store.sessionByHash('hash-2'), undefined);
      assert.deepEqual(await store.sessionByHash('hash-3'), session(3, 9_000));
      await assert.rejects(store.createSession(session(3, 9_000)), 'a token hash is unique');
    });

    test('site members: added once, listed in order, removed per site', async () => {
      await store.addSiteMember({ siteId: 'site-b', userId: 'user-1' });
      await store.addSiteMember({ siteId: 'site-a', userId: 'user-1' });
      await store.addSiteMember({ siteId: 'site-a', userId: 'user-1' });
      await store.addSiteMember({ siteId: 'site-a', userId: 'user-0' });
      assert.deepEqual(await store.siteMembers(), [
        { siteId: 'site-a', userId: 'user-0' },
        { siteId: 'site-a', userId: 'user-1' },
        { siteId: 'site-b', userId: 'user-1' },
      ]);
      await store.removeSiteMembers('site-a');
      assert.deepEqual(await store.siteMembers(), [{ siteId: 'site-b', userId: 'user-1' }]);
    });

    test('deleting a user removes it with its sessions and memberships, and nobody else', async () => {
      const leaving = user(20, '2026-03-11T08:00:00.000Z');
      const staying = user(21, '2026-03-11T08:00:01.000Z');
      assert.equal(await store.createUser(leaving), true);
      assert.equal(await store.createUser(staying), true);
      const usersBefore = await store.countUsers();
      const session = (n: number, userId: string) => ({
        tokenHash: `delete-${n}`,
        userId,
        createdAtMs: 1_000,
        expiresAtMs: 99_000,
      });
      await store.createSession(session(1, leaving.id));
      await store.createSession(session(2, leaving.id));
      await store.createSession(session(3, staying.id));
      await store.addSiteMember({ siteId: 'site-own', userId: leaving.id });
      await store.addSiteMember({ siteId: 'site-shared', userId: leaving.id });
      await store.addSiteMember({ siteId: 'site-shared', userId: staying.id });
      const membersBefore = await store.siteMembers();

      assert.equal(await store.deleteUser(leaving.id), true);
      assert.equal(await store.userById(leaving.id), undefined);
      assert.equal(await store.userByEmail(leaving.email), undefined);
      assert.equal(await store.countUsers(), usersBefore - 1);
      assert.equal(await store.sessionByHash('delete-1'), undefined);
      assert.equal(await store.sessionByHash('delete-2'), undefined);
      assert.deepEqual(await store.sessionByHash('delete-3'), session(3, staying.id));
      assert.deepEqual(
        await store.siteMembers(),
        membersBefore.filter((member) => member.userId !== leaving.id),
      );
      assert.ok((await store.siteMembers()).some((m) => m.siteId === 'site-shared'));
      assert.deepEqual(await store.userById(staying.id), staying);
      assert.equal(await store.deleteUser(leaving.id), false, 'a second delete finds nobody');
      // The email is free again: the person may come back as a new account.
      assert.equal(await store.createUser({ ...leaving, id: 'user-22' }), true);
    });
  });
}
