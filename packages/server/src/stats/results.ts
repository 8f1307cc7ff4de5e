/**
 * Turns SQL rows into Plausible-shaped result rows: rounding, revenue maps, and the per-row
 * comparison with the previous period (time buckets are matched by position in the range).
 */

import { formatAmountE4 } from '../ingest/revenue.ts';
import { engagementMetricValue } from './engagement.ts';
import type {
  Metric,
  MetricValue,
  RevenueValue,
  StatsComparisonCell,
  StatsQuery,
  StatsResultRow,
} from './types.ts';

export type SqlRow = Record<string, unknown>;

const round = (value: number, decimals: number): number => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};

function toNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

function revenueMap(value: unknown): Record<string, number> {
  const map: Record<string, number> = {};
  if (!Array.isArray(value)) return map;
  const pairs = value
    .filter((pair): pair is [unknown, unknown] => Array.isArray(pair) && pair.length === 2)
    // Stored amounts are ten-thousandths of the currency unit.
    .map(([currency, amount]) => [String(currency), Number(amount) / 10_000] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [currency, amount] of pairs) map[currency] = round((map[currency] ?? 0) + amount, 2);
  return map;
}

/** A whole number of ten-thousandths from SQL (a double holding an integer, or integer text). */
function wholeE4(value: unknown): bigint {
  if (value === null || value === undefined || value === '') return 0n;
  if (typeof value === 'bigint') return value;
  const n = Number(value);
  return Number.isFinite(n) ? BigInt(Math.round(n)) : 0n;
}

/** `total / count`, rounded half up to a ten-thousandth. */
function divideE4(total: bigint, count: bigint): bigint {
  if (count <= 0n) return 0n;
  return (total * 2n + count) / (count * 2n);
}

/** The `[currency, "amount:events"]` pairs of amounts without an exchange rate, merged per currency. */
function unconvertedList(value: unknown): RevenueValue['unconverted'] {
  if (!Array.isArray(value)) return [];
  const byCurrency = new Map<string, { amount: bigint; events: number }>();
  for (const pair of value) {
    if (!Array.isArray(pair) || pair.length !== 2) continue;
    const [amount = '0', events = '0'] = String(pair[1]).split(':');
    const entry = byCurrency.get(String(pair[0])) ?? { amount: 0n, events: 0 };
    entry.amount += wholeE4(amount);
    entry.events += Number(events);
    byCurrency.set(String(pair[0]), entry);
  }
  return [...byCurrency]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, { amount, events }]) => ({ currency, value: formatAmountE4(amount), events }));
}

/** A revenue goal metric from the `x_rev_*` columns; null when the row's goal has no currency. */
function goalRevenueValue(metric: Metric, row: SqlRow): RevenueValue | null {
  const currency = String(row.x_rev_currency ?? '');
  if (currency === '') return null;
  const total = wholeE4(row.x_rev_total);
  const amount =
    metric === 'average_revenue'
      ? divideE4(total, wholeE4(row.x_rev_n))
      : metric === 'revenue_per_visitor'
        ? divideE4(total, wholeE4(row.x_rev_visitors))
        : total;
  const unconverted = unconvertedList(row.x_rev_unconverted);
  return {
    value: formatAmountE4(amount),
    currency,
    ...(unconverted && unconverted.length > 0 ? { unconverted } : {}),
  };
}

/** A metric as the API shows it: counts whole, rates and durations rounded as Plausible does. */
export function metricValue(metric: Metric, raw: unknown, row: SqlRow = {}): MetricValue {
  switch (metric) {
    case 'total_revenue':
    case 'average_revenue':
    case 'revenue_per_visitor':
      return goalRevenueValue(metric, row);
    case 'revenue':
      return revenueMap(raw);
    case 'views_per_visit':
    case 'conversion_rate':
      return round(toNumber(raw), 2);
    case 'bounce_rate':
    case 'visit_duration':
      return Math.round(toNumber(raw));
    case 'time_on_page':
    case 'scroll_depth':
      return engagementMetricValue(raw);
    default:
      return toNumber(raw);
  }
}

export function emptyMetrics(query: StatsQuery): MetricValue[] {
  return query.metrics.map((m) => metricValue(m, null));
}

export function shapeRows(query: StatsQuery, rows: readonly SqlRow[]): StatsResultRow[] {
  return rows.map((row) => ({
    dimensions: query.dimensions.map((_, i) => String(row[`d${i}`])),
    metrics: query.metrics.map((m) => metricValue(m, row[`m_${m}`], row)),
  }));
}

/** Percent change; for rates, the difference in percentage points. */
export function change(metric: Metric, current: MetricValue, previous: MetricValue): number | null {
  if (isRevenueValue(current) && isRevenueValue(previous) && current.currency === previous.currency) {
    return change('events', Number(current.value), Number(previous.value));
  }
  if (typeof current !== 'number' || typeof previous !== 'number') return null;
  if (metric === 'bounce_rate' || metric === 'conversion_rate') return round(current - previous, 1);
  if (previous === 0) return current === 0 ? 0 : 100;
  return Math.round(((current - previous) / previous) * 100);
}

/**
 * Attaches to each row the matching row of the previous period. A time dimension matches by
 * the bucket's position (day 3 of this range against day 3 of the previous one).
 */
export function attachComparison(
  query: StatsQuery,
  rows: readonly StatsResultRow[],
  previousRows: readonly StatsResultRow[],
  labels: readonly string[] | undefined,
  previousLabels: readonly string[] | undefined,
): StatsResultRow[] {
  const timeIndex = query.dimensions.findIndex((d) => d.startsWith('time:'));
  const keyOf = (dims: readonly string[], ownLabels: readonly string[] | undefined): string =>
    JSON.stringify(
      dims.map((value, i) => (i === timeIndex ? String(ownLabels?.indexOf(value) ?? -1) : value)),
    );
  const previousByKey = new Map(previousRows.map((row) => [keyOf(row.dimensions, previousLabels), row]));
  return rows.map((row) => {
    const previous = previousByKey.get(keyOf(row.dimensions, labels));
    const dimensions =
      previous?.dimensions ??
      row.dimensions.map((value, i) =>
        i === timeIndex ? (previousLabels?.[labels?.indexOf(value) ?? -1] ?? value) : value,
      );
    const metrics = previous?.metrics ?? emptyMetrics(query);
    const cell: StatsComparisonCell = {
      dimensions,
      metrics,
      change: query.metrics.map((m, i) => change(m, row.metrics[i] ?? null, metrics[i] ?? null)),
    };
    return { ...row, comparison: cell };
  });
}

function isRevenueValue(value: MetricValue): value is RevenueValue {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof value.value === 'string' &&
    typeof value.currency === 'string'
  );
}
