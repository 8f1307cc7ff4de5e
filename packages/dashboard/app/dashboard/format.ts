import { formatRevenue, isRevenueAmount } from './money.ts';
import type { MetricValue } from './queries.ts';

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en');

export function asNumber(value: MetricValue | undefined): number {
  return typeof value === 'number' ? value : 0;
}

/** A metric value as people read it: 1.2k visitors, 2.31 views, 45%, 1m 05s, $109.99. */
export function formatMetric(metric: string, value: MetricValue | undefined): string {
  if (value === null || value === undefined) return '—';
  if (isRevenueAmount(value)) return formatRevenue(value);
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([currency, amount]) => `${amount.toFixed(2)} ${currency}`)
      .join(', ');
  }
  switch (metric) {
    case 'bounce_rate':
    case 'conversion_rate':
      return `${Math.round(value * 10) / 10}%`;
    case 'views_per_visit':
      return (Math.round(value * 100) / 100).toFixed(2);
    case 'visit_duration':
    case 'time_on_page':
      return formatDuration(value);
    case 'scroll_depth':
      return `${Math.round(value)}%`;
    default:
      return value >= 10_000 ? compact.format(value) : whole.format(value);
  }
}

export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m ${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** Metrics where a fall is good news (colour the change the other way). */
export const lowerIsBetter = new Set(['bounce_rate']);

export function formatChange(metric: string, change: number | null | undefined): string {
  if (change === null || change === undefined) return '';
  const arrow = change > 0 ? '↑' : change < 0 ? '↓' : '';
  const unit = metric === 'bounce_rate' || metric === 'conversion_rate' ? ' pp' : '%';
  return `${arrow}${Math.abs(Math.round(change))}${unit}`;
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** "US" -> "United States"; anything Intl does not know is shown as given. */
export function countryName(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return code;
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}
