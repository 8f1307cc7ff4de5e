import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Goal, GoalStore } from '../../packages/server/src/goals/types.ts';
import type { MetadataStore } from '../../packages/server/src/store/types.ts';
import { exampleSite, type OpenedStores } from './metadata-stores.ts';

/** Sites 1 and 2, created a second apart. */
export const goalContractSites = [1, 2].map((n) => exampleSite(n, `2026-03-10T12:00:0${n}.000Z`));

const signup: Goal = {
  id: 'g_signup0000000001',
  siteId: 'site-1',
  name: 'Signup',
  kind: 'event',
  eventName: 'signup',
  pagePath: null,
  properties: [
    { key: 'plan', value: 'pro' },
    { key: 'source', value: 'ad' },
  ],
  currency: 'USD',
  createdAt: '2026-03-10T12:00:01.250Z',
};

const pricing: Goal = {
  id: 'g_pricing000000001',
  siteId: 'site-1',
  name: 'Pricing page',
  kind: 'page',
  eventName: null,
  pagePath: '/pricing/*',
  properties: [],
  currency: null,
  createdAt: '2026-03-10T12:00:00.500Z',
};

/**
 * The GoalStore contract: the embedded and the PostgreSQL store must both pass it, unchanged
 * (run by describeOnBothMetadataStores on `goalContractSites`).
 */
export function goalContract(opened: () => OpenedStores<{ store: GoalStore }>) {
  let store: GoalStore;
  let metadata: MetadataStore;
  before(() => {
    ({ store, metadata } = opened());
  });

  test('create and list oldest first, every field kept; names unique per site only', async () => {
    assert.deepEqual(await store.listGoals('site-1'), []);
    assert.equal(await store.createGoal(signup), true);
    assert.equal(await store.createGoal(pricing), true);
    assert.deepEqual(await store.listGoals('site-1'), [pricing, signup]);
    assert.equal(await store.createGoal({ ...signup, id: 'g_other00000000001', eventName: 'x' }), false);
    assert.deepEqual(await store.listGoals('site-1'), [pricing, signup], 'nothing stored on a taken name');
    const elsewhere = { ...signup, id: 'g_elsewhere0000001', siteId: 'site-2' };
    assert.equal(await store.createGoal(elsewhere), true, 'another site may use the same name');
    assert.deepEqual(await store.listGoals('site-2'), [elsewhere]);
  });

  test('rename: renamed, conflict with another goal of the site, not_found for another site', async () => {
    assert.equal(await store.renameGoal('site-1', signup.id, 'Pricing page'), 'conflict');
    assert.equal(await store.renameGoal('site-1', signup.id, 'Signup'), 'renamed', 'its own name again');
    assert.equal(await store.renameGoal('site-1', signup.id, 'Trial started'), 'renamed');
    assert.equal(await store.renameGoal('site-2', signup.id, 'Stolen'), 'not_found');
    assert.equal(await store.renameGoal('site-1', 'g_nope', 'X'), 'not_found');
    assert.deepEqual(await store.listGoals('site-1'), [pricing, { ...signup, name: 'Trial started' }]);
    assert.equal(
      await store.createGoal({ ...signup, id: 'g_signup0000000002' }),
      true,
      'the old name is free',
    );
  });

  test('delete only within the site; deleting a site deletes its goals', async () => {
    assert.equal(await store.deleteGoal('site-2', pricing.id), false);
    assert.equal(await store.deleteGoal('site-1', pricing.id), true);
    assert.equal(await store.deleteGoal('site-1', pricing.id), false);
    assert.deepEqual(
      (await store.listGoals('site-1')).map((goal) => goal.id),
      [signup.id, 'g_signup0000000002'],
    );
    assert.equal(await metadata.deleteSite('site-1'), true);
    assert.deepEqual(await store.listGoals('site-1'), []);
    assert.equal((await store.listGoals('site-2')).length, 1, 'the other site keeps its goal');
  });
}
