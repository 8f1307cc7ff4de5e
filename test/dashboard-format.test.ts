import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changeBadge, comparedPeriods } from '../packages/dashboard/app/dashboard/change-badge.ts';
import { formatChange } from '../packages/dashboard/app/dashboard/format.ts';

const both = { current: true, previous: true };
const onlyNow = { current: true, previous: false };
const neither = { current: false, previous: false };
const onlyBefore = { current: false, previous: true };

test('the periods are read from the visitors now and before', () => {
  assert.deepEqual(comparedPeriods(4, 0), onlyNow);
  assert.deepEqual(comparedPeriods(0, 0), neither);
  assert.deepEqual(comparedPeriods(0, 3), onlyBefore);
  assert.deepEqual(comparedPeriods(4, 3), both);
  assert.deepEqual(comparedPeriods(4, undefined), onlyNow);
});

test('an empty previous period: every card says "new", whatever its kind', () => {
  // What the API answers then: counts +100 (its convention), rates the plain difference in pp,
  // averages +100 from 0, revenue (a map per currency) no change at all.
  const cards: Array<[string, number | null, number | Record<string, number>]> = [
    ['visitors', 100, 0],
    ['visits', 100, 0],
    ['pageviews', 100, 0],
    ['views_per_visit', 100, 0],
    ['bounce_rate', 25, 0],
    ['visit_duration', 100, 0],
    ['conversion_rate', 50, 0],
    ['revenue', null, {}],
  ];
  for (const [metric, change, previous] of cards) {
    assert.deepEqual(
      changeBadge(metric, change, previous, onlyNow),
      { label: 'new', tone: 'neutral' },
      metric,
    );
  }
});

test('both periods empty: every card says "—"', () => {
  for (const metric of ['visitors', 'pageviews', 'bounce_rate', 'visit_duration', 'revenue']) {
    assert.deepEqual(changeBadge(metric, 0, 0, neither), { label: '—', tone: 'neutral' }, metric);
  }
});

test('an empty current period: counts fell by 100 %, rates and averages have nothing to compare', () => {
  assert.deepEqual(changeBadge('visitors', -100, 5, onlyBefore), { label: '↓100%', tone: 'bad' });
  assert.deepEqual(changeBadge('pageviews', -100, 9, onlyBefore), { label: '↓100%', tone: 'bad' });
  assert.deepEqual(changeBadge('bounce_rate', -40, 40, onlyBefore), { label: '—', tone: 'neutral' });
  assert.deepEqual(changeBadge('visit_duration', -100, 60, onlyBefore), { label: '—', tone: 'neutral' });
  assert.deepEqual(changeBadge('views_per_visit', -100, 1.5, onlyBefore), { label: '—', tone: 'neutral' });
});

test('ordinary changes keep their arrow, unit and colour', () => {
  assert.deepEqual(changeBadge('visitors', 100, 5, both), { label: '↑100%', tone: 'good' });
  assert.deepEqual(changeBadge('visit_duration', -25, 40, both), { label: '↓25%', tone: 'bad' });
  assert.deepEqual(changeBadge('visitors', 0, 4, both), { label: '0%', tone: 'neutral' });
  assert.deepEqual(changeBadge('visitors', null, 4, both), { label: '—', tone: 'neutral' });
  assert.equal(formatChange('visitors', 12.6), '↑13%');
});

test('a fall in bounce rate is good news; rates compare in percentage points', () => {
  assert.deepEqual(changeBadge('bounce_rate', -12, 50, both), { label: '↓12 pp', tone: 'good' });
  assert.deepEqual(changeBadge('bounce_rate', 40, 0, both), { label: '↑40 pp', tone: 'bad' });
  assert.deepEqual(changeBadge('conversion_rate', -2.6, 10, both), { label: '↓3 pp', tone: 'bad' });
});

test('a count that grew from zero in a period that had visitors is "new", not "↑100%"', () => {
  // e.g. the previous week's visits sent custom events only, so it had 0 pageviews.
  assert.deepEqual(changeBadge('pageviews', 100, 0, both), { label: 'new', tone: 'neutral' });
});

test('no comparison answered: "—"', () => {
  assert.deepEqual(changeBadge('visitors', undefined, undefined, onlyNow), { label: '—', tone: 'neutral' });
});
