import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { DuckDbAccountStore } from '../packages/server/src/accounts/duckdb-account-store.ts';
import type { AccountStore } from '../packages/server/src/accounts/types.ts';
import type { InviteRecord, MemberStore } from '../packages/server/src/members/types.ts';
import { DuckDbMemberStore } from '../packages/server/src/store/duckdb/member-store.ts';
import type { MetadataStore } from '../packages/server/src/store/types.ts';
import { describeOnBothMetadataStores, exampleSite } from './support/metadata-stores.ts';

// The MemberStore contract: the embedded (DuckDB, migration 15) and the PostgreSQL (007) store
// read a membership from before roles as an owner, change roles and memberships without ever
// leaving a site ownerless (also when two changes race), and keep one-time invitations.

const invite: InviteRecord = {
  id: 'inv_0000000000000001',
  tokenHash: 'e'.repeat(64),
  siteId: 'site-1',
  email: 'new@example.com',
  role: 'viewer',
  invitedBy: 'user-1',
  createdAt: '2026-03-10T12:00:00.250Z',
  expiresAtMs: Date.parse('2026-03-17T12:00:00.250Z'),
};

describeOnBothMetadataStores<{ store: MemberStore; accounts: AccountStore }>(
  'MemberStore contract',
  {
    duckdb: async (instance) => {
      const accounts = await DuckDbAccountStore.open(instance);
      return { store: await DuckDbMemberStore.open(instance), accounts };
    },
    postgres: (metadata) => ({ store: metadata.memberStore(), accounts: metadata.accountStore() }),
    sites: [exampleSite(1), exampleSite(2), exampleSite(3)],
  },
  (opened) => {
    let store: MemberStore;
    let accounts: AccountStore;
    let metadata: MetadataStore;
    before(async () => {
      ({ store, accounts, metadata } = opened());
      for (const n of [1, 2, 3]) {
        await accounts.createUser({
          id: `user-${n}`,
          email: `person${n}@example.com`,
          passwordHash: 'scrypt$x',
          createdAt: `2026-03-0${n}T00:00:00.000Z`,
        });
      }
    });

    test('a membership from before roles is an owner', async () => {
      await accounts.addSiteMember({ siteId: 'site-1', userId: 'user-1' });
      assert.deepEqual(await store.siteMembers('site-1'), [
        { siteId: 'site-1', userId: 'user-1', role: 'owner' },
      ]);
      assert.deepEqual(await store.membershipsOf('user-1'), [
        { siteId: 'site-1', userId: 'user-1', role: 'owner' },
      ]);
    });

    test('members are added with a role and their role changed', async () => {
      assert.equal(await store.setMember('site-1', 'user-2', 'viewer'), 'ok');
      assert.equal(await store.setMember('site-1', 'user-3', 'admin'), 'ok');
      assert.equal(await store.setMember('site-1', 'user-3', 'viewer'), 'ok');
      assert.deepEqual(await store.siteMembers('site-1'), [
        { siteId: 'site-1', userId: 'user-1', role: 'owner' },
        { siteId: 'site-1', userId: 'user-2', role: 'viewer' },
        { siteId: 'site-1', userId: 'user-3', role: 'viewer' },
      ]);
      assert.deepEqual(await accounts.siteMembers(), [
        { siteId: 'site-1', userId: 'user-1' },
        { siteId: 'site-1', userId: 'user-2' },
        { siteId: 'site-1', userId: 'user-3' },
      ]);
    });

    test('the last owner can be neither removed nor demoted; with a second owner both can', async () => {
      assert.equal(await store.removeMember('site-1', 'user-1'), 'last-owner');
      assert.equal(await store.setMember('site-1', 'user-1', 'admin'), 'last-owner');
      assert.equal((await store.siteMembers('site-1'))[0]!.role, 'owner', 'nothing changed');
      assert.equal(await store.setMember('site-1', 'user-2', 'owner'), 'ok');
      assert.equal(await store.setMember('site-1', 'user-1', 'admin'), 'ok');
      assert.equal(await store.removeMember('site-1', 'user-1'), 'ok');
      assert.equal(await store.removeMember('site-1', 'user-1'), 'missing');
      assert.deepEqual(await store.membershipsOf('user-1'), []);
      assert.deepEqual(await store.owners(), [{ siteId: 'site-1', userId: 'user-2', role: 'owner' }]);
    });

    test('two owners removing each other at once: one of them stays', async () => {
      assert.equal(await store.setMember('site-2', 'user-1', 'owner'), 'ok');
      assert.equal(await store.setMember('site-2', 'user-2', 'owner'), 'ok');
      const results = await Promise.all([
        store.removeMember('site-2', 'user-1'),
        store.removeMember('site-2', 'user-2'),
      ]);
      assert.deepEqual([...results].sort(), ['last-owner', 'ok']);
      const left = await store.siteMembers('site-2');
      assert.equal(left.length, 1);
      assert.equal(left[0]!.role, 'owner');
    });

    test('invitations: listed, found by hash, taken once, revoked by id', async () => {
      await store.createInvite(invite);
      const second = {
        ...invite,
        id: 'inv_0000000000000002',
        tokenHash: 'f'.repeat(64),
        role: 'admin' as const,
      };
      await store.createInvite({ ...second, createdAt: '2026-03-10T12:00:01.000Z' });
      assert.deepEqual(
        (await store.invites('site-1')).map((i) => i.id),
        [invite.id, second.id],
      );
      assert.deepEqual(await store.inviteByHash('e'.repeat(64)), invite);
      assert.deepEqual(await store.takeInvite('e'.repeat(64)), invite);
      assert.equal(await store.takeInvite('e'.repeat(64)), undefined, 'only once');
      assert.equal(await store.deleteInvite('site-2', second.id), false, 'not that site’s');
      assert.equal(await store.deleteInvite('site-1', second.id), true);
      assert.deepEqual(await store.invites('site-1'), []);
    });

    test('a deleted site takes its roles and invitations with it', async () => {
      assert.equal(await store.setMember('site-3', 'user-3', 'owner'), 'ok');
      await store.createInvite({
        ...invite,
        id: 'inv_0000000000000003',
        siteId: 'site-3',
        tokenHash: '9'.repeat(64),
      });
      assert.equal(await metadata.deleteSite('site-3'), true);
      await accounts.removeSiteMembers('site-3');
      assert.deepEqual(await store.siteMembers('site-3'), []);
      assert.deepEqual(await store.invites('site-3'), []);
      assert.equal(await store.inviteByHash('9'.repeat(64)), undefined);
    });
  },
);
