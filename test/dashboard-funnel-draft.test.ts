import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  emptyFunnelDraft,
  funnelBody,
  parseProperties,
  stepIndexOf,
} from '../packages/dashboard/app/pages/funnel-draft.ts';

// The funnel builder's request body, without a browser: the server checks it and names the step.

test('the draft as the REST body: trimmed values, event properties from key=value text', () => {
  const body = funnelBody({
    name: ' Checkout ',
    window: ' 7d ',
    order: 'strict',
    steps: [
      { type: 'page', value: ' /pricing ', properties: 'ignored=yes' },
      { type: 'event', value: 'signup', properties: 'plan=pro, tier = gold ,' },
      { type: 'event', value: 'download', properties: '' },
      { type: 'goal', value: 'Purchase', properties: '' },
    ],
  });
  assert.deepEqual(body, {
    name: 'Checkout',
    window: '7d',
    order: 'strict',
    steps: [
      { type: 'page', page_path: '/pricing' },
      { type: 'event', event_name: 'signup', properties: { plan: 'pro', tier: 'gold' } },
      { type: 'event', event_name: 'download' },
      { type: 'goal', goal: 'Purchase' },
    ],
  });
  assert.deepEqual(parseProperties('a=b=c, lonely'), { a: 'b=c', lonely: '' });
  assert.equal(emptyFunnelDraft.steps.length, 2, 'a new funnel starts with the two steps it needs');
});

test('a refusal field names its row', () => {
  assert.equal(stepIndexOf('steps[3].page_path'), 3);
  assert.equal(stepIndexOf('steps[0]'), 0);
  assert.equal(stepIndexOf('steps'), null);
  assert.equal(stepIndexOf('window'), null);
});
