import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goalRows } from '../packages/dashboard/app/dashboard/goal-rows.ts';
import type { GoalInfo } from '../packages/dashboard/app/goals-api.ts';
import { draftProblems, emptyDraft, goalBody } from '../packages/dashboard/app/pages/goal-draft.ts';

// The add-goal form's request body and the Goals panel's rows, without a browser.

test('an event draft sends its event fields only; blanks are left to the server’s defaults', () => {
  const draft = {
    ...emptyDraft,
    eventName: 'purchase',
    pagePath: '/left/over/from/the/page/tab',
    currency: ' usd ',
    properties: [
      { key: 'plan', value: 'pro' },
      { key: '', value: '' },
    ],
  };
  assert.deepEqual(goalBody(draft), {
    type: 'event',
    event_name: 'purchase',
    properties: { plan: 'pro' },
    currency: 'usd',
  });
  assert.deepEqual(goalBody({ ...draft, name: '  ', properties: [], currency: '' }), {
    type: 'event',
    event_name: 'purchase',
  });
});

test('a page draft sends its path only, whatever the event fields still hold', () => {
  const draft = {
    ...emptyDraft,
    type: 'page' as const,
    name: 'Docs',
    eventName: 'purchase',
    pagePath: '/docs/**',
    currency: 'USD',
    properties: [{ key: 'plan', value: 'pro' }],
  };
  assert.deepEqual(goalBody(draft), { type: 'page', name: 'Docs', page_path: '/docs/**' });
});

test('a property row with only a value is sent, so the server names its empty key', () => {
  const draft = { ...emptyDraft, eventName: 'x', properties: [{ key: '', value: 'pro' }] };
  assert.deepEqual(goalBody(draft).properties, { '': 'pro' });
});

test('the same property key twice is caught before sending (an object would keep only one)', () => {
  const draft = {
    ...emptyDraft,
    eventName: 'x',
    properties: [
      { key: 'plan', value: 'pro' },
      { key: 'plan', value: 'team' },
      { key: 'seats', value: '3' },
    ],
  };
  assert.deepEqual(draftProblems(draft), [
    { field: 'properties.plan', reason: 'is matched twice; a property matches one value' },
  ]);
  assert.deepEqual(draftProblems({ ...draft, type: 'page' }), [], 'a page goal sends no properties');
});

const goal = (name: string, currency: string | null): GoalInfo => ({
  id: `g_${name}`,
  name,
  type: 'event',
  event_name: name.toLowerCase(),
  page_path: null,
  properties: {},
  currency,
  created_at: '2026-03-10T12:00:00.000Z',
});

test('the panel lists the engine’s rows first, then the goals with nothing, at zero', () => {
  const goals = [goal('Signup', null), goal('Purchase', 'USD'), goal('Refund', 'EUR')];
  const purchase = { dimensions: ['Purchase'], metrics: [2, 3, 50, { value: '129.99', currency: 'USD' }] };
  assert.deepEqual(goalRows(goals, [purchase], false), [
    { name: 'Purchase', currency: 'USD', metrics: purchase.metrics },
    { name: 'Signup', currency: null, metrics: [0, 0, 0, null] },
    { name: 'Refund', currency: 'EUR', metrics: [0, 0, 0, { value: '0', currency: 'EUR' }] },
  ]);
  // Filtered by a goal, the other goals are filtered out, not at zero.
  assert.deepEqual(goalRows(goals, [purchase], true), [
    { name: 'Purchase', currency: 'USD', metrics: purchase.metrics },
  ]);
  // A row for a goal the list no longer has (deleted meanwhile) is shown without a currency.
  assert.deepEqual(goalRows([], [{ dimensions: ['Gone'], metrics: [1, 1, 25, null] }], true), [
    { name: 'Gone', currency: null, metrics: [1, 1, 25, null] },
  ]);
});
