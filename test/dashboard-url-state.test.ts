import assert from 'node:assert/strict';
import { test } from 'node:test';
import { previousSeries } from '../packages/dashboard/app/dashboard/previous-series.ts';
import type { StatsResult } from '../packages/dashboard/app/dashboard/queries.ts';
import {
  readViewState,
  withFilter,
  withoutFilter,
  writeViewState,
} from '../packages/dashboard/app/dashboard/url-state.ts';

test('the view state round-trips through the URL, keeping any filter value as given', () => {
  const odd = 'a|b&c=<d> "e"';
  const state = withFilter(
    withFilter(readViewState(new URLSearchParams('period=30d&metric=pageviews')), {
      dimension: 'visit:country',
      value: 'US',
    }),
    { dimension: 'event:props:plan', value: odd },
  );
  const search = writeViewState(state);
  const back = readViewState(new URLSearchParams(search.slice(1)));
  assert.deepEqual(back, state);
  assert.deepEqual(back.filters, [
    { dimension: 'visit:country', value: 'US' },
    { dimension: 'event:props:plan', value: odd },
  ]);
  assert.equal(writeViewState(readViewState(new URLSearchParams(''))), '', 'defaults leave the URL clean');
  assert.deepEqual(withoutFilter(state, 'visit:country').filters, [
    { dimension: 'event:props:plan', value: odd },
  ]);
  const replaced = withFilter(state, { dimension: 'visit:country', value: 'GB' });
  assert.deepEqual(replaced.filters.at(-1), { dimension: 'visit:country', value: 'GB' });
  assert.equal(replaced.filters.length, 2, 'one value per dimension');
});

test('unknown or malformed URL values fall back to defaults', () => {
  const state = readViewState(
    new URLSearchParams('period=<x>&metric=evil&f=nobar&from=2026-03-10&to=2026-03-01'),
  );
  assert.equal(state.period, '7d');
  assert.equal(state.metric, 'visitors');
  assert.deepEqual(state.filters, []);
  const reversed = readViewState(new URLSearchParams('period=custom&from=2026-03-10&to=2026-03-01'));
  assert.equal(reversed.period, '7d', 'a custom range must run forwards');
  const custom = readViewState(new URLSearchParams('period=custom&from=2026-03-01&to=2026-03-10&compare=0'));
  assert.deepEqual(
    [custom.period, custom.from, custom.to, custom.compare],
    ['custom', '2026-03-01', '2026-03-10', false],
  );
});

test('the previous period lines up bucket by bucket, including buckets the current period lacks', () => {
  const labels = ['2026-03-04', '2026-03-05', '2026-03-06'];
  const result: StatsResult = {
    results: [
      {
        dimensions: ['2026-03-06'],
        metrics: [5],
        comparison: { dimensions: ['2026-03-03'], metrics: [2], change: [150] },
      },
    ],
    meta: {
      date_range: { start: '2026-03-04', end: '2026-03-06' },
      time_labels: labels,
      total_rows: 1,
      comparison_date_range: { start: '2026-03-01', end: '2026-03-03' },
    },
    comparison: {
      date_range: { start: '2026-03-01', end: '2026-03-03' },
      results: [
        { dimensions: ['2026-03-01'], metrics: [7] },
        { dimensions: ['2026-03-03'], metrics: [2] },
      ],
    },
  };
  assert.deepEqual(previousSeries(result, labels, 'time:day'), [7, 0, 2]);
  const noAnchor = { ...result, results: [] };
  assert.deepEqual(previousSeries(noAnchor, labels, 'time:day'), [7, 0, 2], 'falls back to the range starts');
  const hours = ['2026-03-10 10:00:00', '2026-03-10 11:00:00'];
  const hourly: StatsResult = {
    results: [
      {
        dimensions: [hours[1]!],
        metrics: [1],
        comparison: { dimensions: ['2026-03-09 11:00:00'], metrics: [3], change: [-66] },
      },
    ],
    meta: { date_range: { start: '2026-03-10', end: '2026-03-10' }, time_labels: hours, total_rows: 1 },
    comparison: {
      date_range: { start: '2026-03-09', end: '2026-03-09' },
      results: [
        { dimensions: ['2026-03-09 10:00:00'], metrics: [4] },
        { dimensions: ['2026-03-09 11:00:00'], metrics: [3] },
      ],
    },
  };
  assert.deepEqual(previousSeries(hourly, hours, 'time:hour'), [4, 3]);
});
