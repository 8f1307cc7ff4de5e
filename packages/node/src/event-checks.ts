import type { FieldError } from './types.js';

/**
 * The checks the server makes on the fields this SDK adds for goals and people (revenue and
 * `userId`), made before anything is sent: a call that would be refused with 400 resolves at once
 * to that same `VALIDATION_ERROR`, naming the same fields with the same reasons, and uses no
 * queue space, retries or rate budget. Mirrors packages/server/src/ingest/revenue.ts and
 * validate.ts; test/sdk-revenue.test.ts checks both agree on the same inputs.
 */

/** At most four decimals; amounts below 10^12 units. */
const maxDecimals = 4;
const maxUnits = 1_000_000_000_000n;
const userIdMax = 256;

/** ISO 4217 codes in current use, from the runtime's ICU data: the server reads the same list. */
const currencies: ReadonlySet<string> | null = (() => {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf ? new Set(intl.supportedValuesOf('currency')) : null;
  } catch {
    return null;
  }
})();

const decimalText = /^(\d+)(?:\.(\d+))?$/;

/** Problems with `revenue`, `userId` and the contract's `properties.value` + `properties.currency`. */
export function checkEvent(revenue: unknown, properties: unknown, userId: unknown): FieldError[] {
  const fields: FieldError[] = [];
  const fail = (field: string, reason: string) => fields.push({ field, reason });
  if (revenue !== undefined && revenue !== null) {
    if (typeof revenue !== 'object' || Array.isArray(revenue)) {
      fail('revenue', 'must be an object {"amount": 12.5, "currency": "EUR"}');
    } else {
      const { amount, currency } = revenue as { amount?: unknown; currency?: unknown };
      checkCurrency(currency, 'revenue.currency', fail);
      checkAmount(amount, 'revenue.amount', fail);
    }
  } else if (properties !== null && typeof properties === 'object' && !Array.isArray(properties)) {
    // The contract's form: `value` is revenue only when a currency comes with it.
    const props = properties as Record<string, unknown>;
    const currency = Object.hasOwn(props, 'currency') ? props.currency : undefined;
    if (currency !== undefined && currency !== null && currency !== '') {
      checkCurrency(currency, 'properties.currency', fail);
      checkAmount(Object.hasOwn(props, 'value') ? props.value : undefined, 'properties.value', fail);
    }
  }
  if (userId !== undefined && userId !== null) {
    if (typeof userId !== 'string') fail('user_id', 'must be a string');
    else if (userId.length > userIdMax) fail('user_id', `must be at most ${userIdMax} characters`);
    else if (userId.length < 1) fail('user_id', 'must be at least 1 characters');
    else if (userId.includes('\u0000')) fail('user_id', 'must not contain NUL characters');
  }
  return fields;
}

type Fail = (field: string, reason: string) => void;

function checkCurrency(value: unknown, field: string, fail: Fail): void {
  if (value === undefined || value === null || value === '') {
    fail(field, 'is required with an amount: an ISO 4217 code such as "USD"');
  } else if (typeof value !== 'string') {
    fail(field, 'must be an ISO 4217 currency code such as "USD"');
  } else if (!isCurrency(value.trim().toUpperCase())) {
    fail(field, `"${value.slice(0, 16)}" is not an ISO 4217 currency code in use (such as "USD", "EUR")`);
  }
}

function isCurrency(code: string): boolean {
  // Without ICU data (a rare small-icu build) the shape is checked and the server decides.
  return currencies ? currencies.has(code) : /^[A-Z]{3}$/.test(code);
}

function checkAmount(value: unknown, field: string, fail: Fail): void {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return void fail(field, 'must be a finite number');
    // The shortest text that reads back as this number, as JSON carries it to the server.
    text = String(value);
    if (/e/i.test(text))
      text = value < 1 && value > -1 ? value.toFixed(20) : BigInt(Math.trunc(value)).toString();
  } else if (typeof value === 'string') {
    text = value.trim();
  } else if (value === undefined || value === null) {
    return void fail(field, 'is required: a number or decimal string such as 19.99');
  } else {
    return void fail(field, 'must be a number or a decimal string such as "19.99"');
  }
  if (text.startsWith('-')) return void fail(field, 'must not be negative');
  const match = decimalText.exec(text);
  if (!match) return void fail(field, 'must be a number or a decimal string such as "19.99"');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > maxDecimals) {
    return void fail(field, `has more than ${maxDecimals} decimals; send it rounded as you charged it`);
  }
  if (BigInt(match[1]!) >= maxUnits) fail(field, `must be below ${maxUnits.toLocaleString('en-US')}`);
}
