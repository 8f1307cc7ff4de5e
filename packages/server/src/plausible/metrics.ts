/**
 * Plausible's metrics over our engine's. Most are the same name; three are built in the answer
 * (answer.ts) from questions the engine answers:
 * - `percentage`: the row's visitors over the visitors of the same question without dimensions;
 * - `conversion_rate`: the row's (converted) visitors over the visitors of the whole range
 *   without its `event:goal` filters or any dimension: one denominator for every row;
 * - `group_conversion_rate`: converted visitors over the visitors of the row's own group, which
 *   is what our engine's `conversion_rate` is (its denominators are per non-goal dimension).
 */
import type { Metric } from '../stats/types.ts';

/** What the engine is asked for each sent metric. */
const engineMetricOf: Readonly<Record<string, Metric>> = {
  percentage: 'visitors',
  conversion_rate: 'visitors',
  group_conversion_rate: 'conversion_rate',
};

/** The engine's metrics for the sent ones, each once (the engine refuses a repeat). */
export function engineMetrics(sent: readonly string[]): Metric[] {
  return [...new Set(sent.map((metric) => engineMetricOf[metric] ?? (metric as Metric)))];
}

/**
 * The engine's order key for a sent one. percentage and conversion_rate are visitors over one
 * denominator shared by every row, so they order exactly as visitors do.
 */
export function engineOrderKey(sent: string): string {
  return engineMetricOf[sent] ?? sent;
}

/** The metric the engine answers a sent one with. */
export function engineMetricFor(sent: string): Metric {
  return engineMetricOf[sent] ?? (sent as Metric);
}
