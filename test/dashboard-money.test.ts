import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changeBadge } from '../packages/dashboard/app/dashboard/change-badge.ts';
import { formatMetric } from '../packages/dashboard/app/dashboard/format.ts';
import {
  formatMoney,
  formatRevenue,
  isRevenueAmount,
  unconvertedNote,
} from '../packages/dashboard/app/dashboard/money.ts';
import {
  chartMetricsOf,
  goalFilterOf,
  readViewState,
  withFilter,
  writeViewState,
} from '../packages/dashboard/app/dashboard/url-state.ts';
import { type GoalInfo, goalMatchText } from '../packages/dashboard/app/goals-api.ts';

// The dashboard's money and goal helpers: amounts formatted from the server's exact decimal text,
// unconverted amounts told apart, what a goal matches, the goal filter in the URL and revenue badges.

/** Intl puts a no-break space between a currency code and the amount; compared as a plain one. */
const plain = (text: string) => text.replace(/\u00a0/g, ' ');

test('amounts are formatted from their decimal text, never through a binary float', () => {
  assert.equal(formatMoney('109.99', 'USD'), '$109.99');
  assert.equal(plain(formatMoney('12', 'CHF')), 'CHF 12.00');
  assert.equal(formatMoney('-5.5', 'USD'), '-$5.50');
  // 1.005 as a double is 1.00499999…, which would round down to $1.00.
  assert.equal(formatMoney('1.005', 'USD'), '$1.01');
  // Beyond 2^53 a double would say …992.
  assert.equal(formatMoney('9007199254740993.01', 'USD'), '$9,007,199,254,740,993.01');
  // The currency's own digits: yen have none.
  assert.equal(formatMoney('1500.5', 'JPY'), '¥1,501');
  assert.equal(formatMoney('12', 'usd'), '$12.00');
});

test('text that is not a decimal or a currency Intl knows is shown as it came, not guessed at', () => {
  assert.equal(formatMoney('1e3', 'USD'), '1e3 USD');
  assert.equal(formatMoney('NaN', 'USD'), 'NaN USD');
  assert.equal(formatMoney(' 12', 'USD'), ' 12 USD');
  assert.equal(formatMoney('12.00', 'US'), '12.00 US');
  assert.equal(formatMoney('12.00', '<img src=x>'), '12.00 <img src=x>');
});

test('revenue values: the converted total, and what had no exchange rate as a note', () => {
  const donation = {
    value: '0',
    currency: 'EUR',
    unconverted: [
      { value: '12.00', currency: 'CHF', events: 1 },
      { value: '3.5', currency: 'GBP', events: 2 },
    ],
  };
  assert.equal(formatRevenue(donation), '€0.00');
  assert.equal(plain(unconvertedNote(donation)), '+ CHF 12.00 + £3.50 unconverted');
  assert.equal(unconvertedNote({ value: '109.99', currency: 'USD' }), '');
  assert.equal(unconvertedNote(12), '');
  assert.equal(formatRevenue(null), '—');
  assert.equal(formatMetric('total_revenue', { value: '109.99', currency: 'USD' }), '$109.99');
  assert.equal(isRevenueAmount({ value: '1', currency: 'USD' }), true);
  assert.equal(isRevenueAmount({ value: 1, currency: 'USD' }), false);
  assert.equal(isRevenueAmount(null), false);
});

const goal = (name: string, currency: string | null, more: Partial<GoalInfo> = {}): GoalInfo => ({
  id: `g-${name}`,
  name,
  type: 'event',
  event_name: 'purchase',
  page_path: null,
  properties: {},
  currency,
  created_at: '2026-01-01T00:00:00.000Z',
  ...more,
});

test('what a goal matches, in one line', () => {
  assert.equal(goalMatchText(goal('Purchase', 'USD')), 'purchase');
  assert.equal(
    goalMatchText(goal('Pro', null, { event_name: 'signup', properties: { plan: 'pro', seats: '3' } })),
    'signup where plan = pro, seats = 3',
  );
  assert.equal(
    goalMatchText(goal('Docs', null, { type: 'page', event_name: null, page_path: '/docs/**' })),
    '/docs/**',
  );
});

test('the goal filter round-trips through the URL, whatever the name, and brings the conversion metrics', () => {
  const name = 'Buy | now & <b>"pay"</b>';
  const state = withFilter(readViewState(new URLSearchParams('')), { dimension: 'event:goal', value: name });
  const back = readViewState(new URLSearchParams(writeViewState({ ...state, metric: 'events' }).slice(1)));
  assert.equal(goalFilterOf(back), name);
  assert.equal(back.metric, 'events');
  assert.deepEqual(
    chartMetricsOf(back).map((m) => m.id),
    ['visitors', 'events', 'conversion_rate'],
  );
  // Without a goal filter "events" is not a chart metric: the URL falls back to visitors.
  assert.equal(readViewState(new URLSearchParams('metric=events')).metric, 'visitors');
  assert.equal(goalFilterOf(readViewState(new URLSearchParams('f=event:name|purchase'))), null);
});

test('revenue badges follow the one rule of the other cards', () => {
  const both = { current: true, previous: true };
  const onlyBefore = { current: false, previous: true };
  const usd = (value: string) => ({ value, currency: 'USD' });
  // From nothing to something is "new", as for counts.
  assert.deepEqual(changeBadge('total_revenue', 100, usd('0'), both), { label: 'new', tone: 'neutral' });
  assert.deepEqual(changeBadge('total_revenue', 25, usd('80.00'), both), { label: '↑25%', tone: 'good' });
  assert.deepEqual(changeBadge('total_revenue', -10, usd('80.00'), both), { label: '↓10%', tone: 'bad' });
  // An average over no conversions has no value to compare.
  assert.deepEqual(changeBadge('average_revenue', -100, usd('5.00'), onlyBefore), {
    label: '—',
    tone: 'neutral',
  });
  assert.deepEqual(changeBadge('total_revenue', -100, usd('5.00'), onlyBefore), {
    label: '↓100%',
    tone: 'bad',
  });
});
