import type { RevenueAmount } from './queries.ts';

/**
 * Money as people read it, from the server's exact decimal text. The text goes to Intl as a
 * string (never through a binary float), so `"999999999999.9999"` is rounded only to the
 * currency's display digits, not to a double's 15–17 significant ones.
 */

const formatters = new Map<string, Intl.NumberFormat>();

function formatterOf(currency: string): Intl.NumberFormat | null {
  let formatter = formatters.get(currency);
  if (!formatter) {
    try {
      formatter = new Intl.NumberFormat('en', { style: 'currency', currency });
    } catch {
      return null; // not a currency code Intl accepts: shown as plain text instead
    }
    formatters.set(currency, formatter);
  }
  return formatter;
}

/** Decimal text as the server sends it: digits, an optional fraction, an optional minus. */
const decimalText = /^-?\d+(\.\d+)?$/;

/** `("109.99", "USD")` -> `"$109.99"`; `("12", "CHF")` -> `"CHF 12.00"`. */
export function formatMoney(value: string, currency: string): string {
  const formatter = formatterOf(currency);
  if (!formatter || !decimalText.test(value)) return `${value} ${currency}`;
  // Intl.NumberFormat formats decimal strings exactly (ES2023); the ES2022 types only know numbers.
  return formatter.format(value as unknown as number);
}

/** The amount in the goal's currency (what was converted; unconverted amounts are told apart). */
export function formatRevenue(amount: RevenueAmount | null | undefined): string {
  if (!amount) return '—';
  return formatMoney(amount.value, amount.currency);
}

/** Amounts without an exchange rate, never counted as 0: "+ CHF 12.00 unconverted". */
export function unconvertedNote(value: unknown): string {
  if (!isRevenueAmount(value)) return '';
  const parts = (value.unconverted ?? []).map((item) => formatMoney(item.value, item.currency));
  return parts.length === 0 ? '' : `+ ${parts.join(' + ')} unconverted`;
}

export function isRevenueAmount(value: unknown): value is RevenueAmount {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { currency?: unknown }).currency === 'string' &&
    typeof (value as { value?: unknown }).value === 'string'
  );
}
