import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engagementColumnsFor } from '../packages/dashboard/app/dashboard/engagement-columns.ts';
import { formatMetric } from '../packages/dashboard/app/dashboard/format.ts';

test('top pages show time on page and scroll depth unless a filter cannot apply to them', () => {
  assert.deepEqual(engagementColumnsFor({ filters: [] }), ['time_on_page', 'scroll_depth']);
  assert.deepEqual(
    engagementColumnsFor({
      filters: [
        { dimension: 'visit:country', value: 'DE' },
        { dimension: 'event:page', value: '/pricing' },
      ],
    }),
    ['time_on_page', 'scroll_depth'],
  );
  assert.deepEqual(engagementColumnsFor({ filters: [{ dimension: 'event:props:plan', value: 'pro' }] }), []);
});

test('time on page reads as a duration, scroll depth as a percentage, no data as a dash', () => {
  assert.equal(formatMetric('time_on_page', 43), '43s');
  assert.equal(formatMetric('time_on_page', 200), '3m 20s');
  assert.equal(formatMetric('scroll_depth', 85), '85%');
  assert.equal(formatMetric('scroll_depth', null), '—');
});
