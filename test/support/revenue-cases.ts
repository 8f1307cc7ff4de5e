import { validateEvent } from '../../packages/server/src/ingest/validate.ts';

/**
 * Revenue and user id inputs every client must judge as the server does, with the server's own
 * verdict (its `validateEvent`, the code the clients mirror, not the clients' code): the fields it
 * names and its reasons, or none. The Python and PHP suites check their client-side checks give
 * exactly these before sending. Values are what JSON can carry, so each language reads the same.
 */
export interface RevenueCase {
  readonly revenue?: unknown;
  readonly properties?: Record<string, unknown>;
  readonly user_id?: unknown;
  readonly fields: ReadonlyArray<{ field: string; reason: string }>;
}

const valid = {
  event_type: 'custom',
  event_name: 'purchase',
  url: 'https://shop.example/checkout/success',
  session_id: 'srv-revenue-cases',
  device_type: 'server',
  browser: 'server',
  os: 'Linux',
  user_agent: 'Revenue-Cases/1.0',
};

const amounts: unknown[] = [
  99.99,
  0,
  19,
  '19.90',
  '1234.5678',
  ' 12.5 ',
  '\u00a012.5\u3000',
  '\ufeff7',
  '\u200b7',
  '\u001c7',
  '0012.50',
  '999999999999.9999',
  '1000000000000',
  999_999_999_999.99,
  1e12,
  1e21,
  1e-7,
  0.1 + 0.2,
  1.23456,
  '1.23450',
  '1.23456',
  -5,
  '-5',
  '-0',
  '',
  '.5',
  '5.',
  '+5',
  '1e3',
  '0x10',
  '12,50',
  'ten',
  '١٢',
  true,
  null,
  [],
  {},
];
const currencies: unknown[] = [
  'USD',
  'eur',
  ' chf ',
  '\u00a0usd\ufeff',
  // Non-ASCII letters that upper-case to ASCII in JavaScript (full case mapping): valid codes.
  '\u0131nr',
  '\u017fek',
  'u\u00dfd',
  '\u212Ada',
  'jpy',
  'XTS',
  'XXX',
  'DEM',
  'EURO',
  'US',
  'usd!',
  '',
  null,
  7,
  ['USD'],
];
const userIds: unknown[] = [
  'customer-8841',
  'x',
  'x'.repeat(256),
  'x'.repeat(257),
  '',
  42,
  'ü😀',
  'a\u0000b',
];

export function revenueCases(): RevenueCase[] {
  const cases: Array<Omit<RevenueCase, 'fields'>> = [];
  for (const amount of amounts) cases.push({ revenue: { amount, currency: 'USD' } });
  for (const currency of currencies) cases.push({ revenue: { amount: 10, currency } });
  cases.push({ revenue: { amount: 'ten', currency: 'usd!' } }, { revenue: { amount: 10 } });
  cases.push(
    { revenue: { currency: 'EUR' } },
    { revenue: [10, 'USD'] },
    { revenue: 'USD 10' },
    { revenue: 5 },
  );
  // The contract's form: value is revenue only with a currency (property values are primitives).
  for (const value of [99.99, '19.90', -1, 'lots', 1.23456, true]) {
    cases.push({ properties: { value, currency: 'USD', order_id: 'o-1' } });
  }
  cases.push({ properties: { value: 5 } }, { properties: { value: 'x', currency: '' } });
  cases.push({ properties: { value: 5, currency: 'XYZ' } });
  // Top level wins over the contract's form.
  cases.push({ revenue: { amount: 1, currency: 'EUR' }, properties: { value: 'lots', currency: 'USD' } });
  for (const userId of userIds) cases.push({ user_id: userId });
  return cases.map((input) => {
    const result = validateEvent(JSON.parse(JSON.stringify({ ...valid, ...input })));
    return { ...input, fields: result.ok ? [] : result.fields };
  });
}
