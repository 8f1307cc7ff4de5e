import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAmountE4, readRevenue } from './revenue.ts';

function read(topLevel: unknown, properties?: unknown) {
  const fields: Array<{ field: string; reason: string }> = [];
  const revenue = readRevenue(topLevel, properties, (field, reason) => fields.push({ field, reason }));
  return { revenue, fields: fields.map((f) => f.field) };
}

test("the contract's example (properties.value + properties.currency) is 99.99 USD", () => {
  const { revenue } = read(undefined, { order_id: 'ord_1', value: 99.99, currency: 'USD' });
  assert.deepEqual(revenue, { amountE4: 999_900n, currency: 'USD' });
});

test('top-level revenue takes numbers and decimal strings exactly, currency upper-cased', () => {
  assert.deepEqual(read({ amount: '19.9901', currency: 'eur' }).revenue, {
    amountE4: 199_901n,
    currency: 'EUR',
  });
  assert.deepEqual(read({ amount: 0, currency: 'JPY' }).revenue, { amountE4: 0n, currency: 'JPY' });
  assert.deepEqual(read({ amount: 1500, currency: 'JPY' }).revenue, {
    amountE4: 15_000_000n,
    currency: 'JPY',
  });
  assert.deepEqual(read({ amount: '999999999999.9999', currency: 'USD' }).revenue, {
    amountE4: 9_999_999_999_999_999n,
    currency: 'USD',
  });
  // Trailing zeros beyond four decimals change nothing.
  assert.deepEqual(read({ amount: '5.100000', currency: 'USD' }).revenue, {
    amountE4: 51_000n,
    currency: 'USD',
  });
});

test('top level wins over properties', () => {
  const { revenue } = read({ amount: 10, currency: 'GBP' }, { value: 99.99, currency: 'USD' });
  assert.deepEqual(revenue, { amountE4: 100_000n, currency: 'GBP' });
});

test('properties.value without a currency is an ordinary property', () => {
  assert.deepEqual(read(undefined, { value: 5 }), { revenue: null, fields: [] });
  assert.deepEqual(read(undefined, undefined), { revenue: null, fields: [] });
});

test('invalid revenue is refused with the offending fields, never dropped or rounded', () => {
  assert.deepEqual(read({ amount: 10, currency: 'XYZ' }).fields, ['revenue.currency']);
  assert.deepEqual(read({ amount: 10, currency: 'DEM' }).fields, ['revenue.currency']);
  assert.deepEqual(read({ amount: 10 }).fields, ['revenue.currency']);
  assert.deepEqual(read({ amount: -1, currency: 'USD' }).fields, ['revenue.amount']);
  assert.deepEqual(read({ amount: '-0.5', currency: 'USD' }).fields, ['revenue.amount']);
  assert.deepEqual(read({ amount: 'ten', currency: 'USD' }).fields, ['revenue.amount']);
  assert.deepEqual(read({ amount: '1e3', currency: 'USD' }).fields, ['revenue.amount']);
  assert.deepEqual(read({ amount: 1.23456, currency: 'USD' }).fields, ['revenue.amount']);
  assert.deepEqual(read({ amount: 0.1 + 0.2, currency: 'USD' }).fields, ['revenue.amount']);
  assert.deepEqual(read({ amount: 1e-7, currency: 'USD' }).fields, ['revenue.amount']);
  assert.deepEqual(read({ amount: 1e12, currency: 'USD' }).fields, ['revenue.amount']);
  assert.deepEqual(read({ amount: 1e300, currency: 'USD' }).fields, ['revenue.amount']);
  assert.deepEqual(read({ amount: true, currency: 'USD' }).fields, ['revenue.amount']);
  assert.deepEqual(read({ currency: 'USD' }).fields, ['revenue.amount']);
  assert.deepEqual(read({ amount: 'x', currency: 'x' }).fields, ['revenue.currency', 'revenue.amount']);
  assert.deepEqual(read('12 USD').fields, ['revenue']);
  assert.deepEqual(read(undefined, { value: 'lots', currency: 'USD' }).fields, ['properties.value']);
  assert.deepEqual(read(undefined, { value: 10, currency: 'euro' }).fields, ['properties.currency']);
});

test('amounts print with two to four decimals', () => {
  assert.equal(formatAmountE4(999_900n), '99.99');
  assert.equal(formatAmountE4(100_000n), '10.00');
  assert.equal(formatAmountE4(1_234n), '0.1234');
  assert.equal(formatAmountE4(1_230n), '0.123');
  assert.equal(formatAmountE4(0n), '0.00');
  assert.equal(formatAmountE4(-25_000n), '-2.50');
});
