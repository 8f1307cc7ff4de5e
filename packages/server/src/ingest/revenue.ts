/**
 * Revenue on an event, read exactly: an amount becomes an integer count of ten-thousandths
 * (scale 4) straight from its decimal text, never through a binary float sum, so 99.99 is stored
 * as 999900 and adds up to the cent. Two ways to send it (docs/goals.md):
 * - top level: `revenue: {amount, currency}` (amount a JSON number or a decimal string);
 * - the contract's example: `properties.value` + `properties.currency`.
 * The top level wins when both are present. `properties.value` without `properties.currency` is
 * an ordinary property (a rating, a score), not revenue.
 */
import { isCurrencyCode } from './currencies.ts';

export interface Revenue {
  /** The amount in ten-thousandths of the currency unit (exact). */
  readonly amountE4: bigint;
  /** ISO 4217, upper case. */
  readonly currency: string;
}

/** At most four decimals; the scale every store keeps. */
export const revenueScale = 4;
/** Amounts must stay below 10^12 units of any currency: larger is a bug on the sender's side. */
export const revenueMaxUnits = 1_000_000_000_000n;

type Fail = (field: string, reason: string) => void;

/** The revenue of an event body, null when it carries none, undefined when it is invalid (reported through `fail`). */
export function readRevenue(topLevel: unknown, properties: unknown, fail: Fail): Revenue | null | undefined {
  if (topLevel !== undefined && topLevel !== null) {
    if (typeof topLevel !== 'object' || Array.isArray(topLevel)) {
      fail('revenue', 'must be an object {"amount": 12.5, "currency": "EUR"}');
      return undefined;
    }
    const record = topLevel as Record<string, unknown>;
    return revenueOf(
      own(record, 'amount'),
      own(record, 'currency'),
      'revenue.amount',
      'revenue.currency',
      fail,
    );
  }
  if (properties === null || typeof properties !== 'object' || Array.isArray(properties)) return null;
  const props = properties as Record<string, unknown>;
  const currency = own(props, 'currency');
  if (currency === undefined || currency === null || currency === '') return null;
  return revenueOf(own(props, 'value'), currency, 'properties.value', 'properties.currency', fail);
}

function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function revenueOf(
  amount: unknown,
  currency: unknown,
  amountField: string,
  currencyField: string,
  fail: Fail,
): Revenue | undefined {
  const code = currencyOf(currency, currencyField, fail);
  const amountE4 = amountOf(amount, amountField, fail);
  if (code === undefined || amountE4 === undefined) return undefined;
  return { amountE4, currency: code };
}

function currencyOf(value: unknown, field: string, fail: Fail): string | undefined {
  if (value === undefined || value === null || value === '') {
    fail(field, 'is required with an amount: an ISO 4217 code such as "USD"');
    return undefined;
  }
  if (typeof value !== 'string') {
    fail(field, 'must be an ISO 4217 currency code such as "USD"');
    return undefined;
  }
  const code = value.trim().toUpperCase();
  if (!isCurrencyCode(code)) {
    fail(field, `"${value.slice(0, 16)}" is not an ISO 4217 currency code in use (such as "USD", "EUR")`);
    return undefined;
  }
  return code;
}

const decimalText = /^(\d+)(?:\.(\d+))?$/;

function amountOf(value: unknown, field: string, fail: Fail): bigint | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      fail(field, 'must be a finite number');
      return undefined;
    }
    // The shortest text that reads back as this number: what the sender wrote for any decimal
    // a JSON number can carry exactly enough (99.99 -> "99.99"; 0.1 + 0.2 -> "0.30000000000000004").
    text = String(value);
    if (/e/i.test(text))
      text = value < 1 && value > -1 ? value.toFixed(20) : BigInt(Math.trunc(value)).toString();
  } else if (typeof value === 'string') {
    text = value.trim();
  } else if (value === undefined || value === null) {
    fail(field, 'is required: a number or decimal string such as 19.99');
    return undefined;
  } else {
    fail(field, 'must be a number or a decimal string such as "19.99"');
    return undefined;
  }
  if (text.startsWith('-')) {
    fail(field, 'must not be negative');
    return undefined;
  }
  const match = decimalText.exec(text);
  if (!match) {
    fail(field, 'must be a number or a decimal string such as "19.99"');
    return undefined;
  }
  const whole = match[1]!;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > revenueScale) {
    fail(field, `has more than ${revenueScale} decimals; send it rounded as you charged it`);
    return undefined;
  }
  const units = BigInt(whole);
  if (units >= revenueMaxUnits) {
    fail(field, `must be below ${revenueMaxUnits.toLocaleString('en-US')}`);
    return undefined;
  }
  return units * 10_000n + BigInt(fraction.padEnd(revenueScale, '0'));
}

/** Ten-thousandths as decimal text: at least two decimals, up to four ("99.99", "0.1234", "10.00"). */
export function formatAmountE4(amountE4: bigint): string {
  const negative = amountE4 < 0n;
  const abs = negative ? -amountE4 : amountE4;
  const whole = abs / 10_000n;
  let fraction = (abs % 10_000n).toString().padStart(4, '0');
  if (fraction.endsWith('00')) fraction = fraction.slice(0, 2);
  else if (fraction.endsWith('0')) fraction = fraction.slice(0, 3);
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}
