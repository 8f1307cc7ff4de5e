/**
 * Turns SQL rows into Plausible-shaped result rows: rounding, revenue maps, and the per-row
 * comparison with the previous period (time buckets are matched by position in the range).
 */
import type { Metric, MetricValue, StatsComparisonCell, StatsQuery, StatsResultRow } from './types.ts';

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
    .map(([currency, amount]) => [String(currency), Number(amount)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [currency, amount] of pairs) map[currency] = round((map[currency] ?? 0) + amount, 2);
  return map;
}

/** A metric as the API shows it: counts whole, rates and durations rounded as Plausible does. */
export function metricValue(metric: Metric, raw: unknown): MetricValue {
  switch (metric) {
    case 'revenue':
      return revenueMap(raw);
    case 'views_per_visit':
    case 'conversion_rate':
      return round(toNumber(raw), 2);
    case 'bounce_rate':
    case 'visit_duration':
      return Math.round(toNumber(raw));
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
    metrics: query.metrics.map((m) => metricValue(m, row[`m_${m}`])),
  }));
}

/** Percent change; for rates, the difference in percentage points. */
export function change(metric: Metric, current: MetricValue, previous: MetricValue): number | null {
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
