import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changeLabel, formatChange } from '../packages/dashboard/app/dashboard/format.ts';

test('a change against an empty previous period reads "new", not "↑100%"', () => {
  assert.equal(changeLabel('visitors', 100, 0), 'new');
  assert.equal(changeLabel('pageviews', 100, 0), 'new');
  assert.equal(changeLabel('visitors', 0, 0), '0%');
});

test('ordinary changes keep their arrow and unit', () => {
  assert.equal(changeLabel('visitors', 100, 5), '↑100%');
  assert.equal(changeLabel('visit_duration', -25, 40), '↓25%');
  assert.equal(changeLabel('visitors', null, null), '—');
  assert.equal(formatChange('visitors', 12.6), '↑13%');
});

test('rates compare in percentage points, where a previous 0 is an ordinary value', () => {
  assert.equal(changeLabel('bounce_rate', 40, 0), '↑40 pp');
  assert.equal(changeLabel('conversion_rate', -2.6, 10), '↓3 pp');
});
