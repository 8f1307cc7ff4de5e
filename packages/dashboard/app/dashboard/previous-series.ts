import { asNumber } from './format.ts';
import type { StatsResult } from './queries.ts';

/** A bucket label as a whole number of buckets (hours, days or months since 1970). */
function ordinal(label: string, bucket: string): number {
  const [date = '', time = '00:00:00'] = label.split(' ');
  const [year = 1970, month = 1, day = 1] = date.split('-').map(Number);
  if (bucket === 'time:month') return year * 12 + month - 1;
  const dayNumber = Date.UTC(year, month - 1, day) / 86_400_000;
  return bucket === 'time:hour' ? dayNumber * 24 + Number(time.slice(0, 2)) : dayNumber;
}

/**
 * The previous period's values lined up under the current period's buckets. The engine pairs
 * buckets by position; one such pair (or the two ranges' first days) gives the shift, which maps
 * every previous bucket, including those where the current period had no data.
 */
export function previousSeries(result: StatsResult, labels: readonly string[], bucket: string): number[] {
  const anchor = result.results.find((row) => row.comparison?.dimensions[0] !== undefined);
  const previousStart = result.meta.comparison_date_range?.start ?? result.comparison?.date_range.start;
  const firstLabel = labels[0];
  let shift: number;
  if (anchor?.comparison && anchor.dimensions[0] !== undefined) {
    shift = ordinal(anchor.dimensions[0], bucket) - ordinal(anchor.comparison.dimensions[0] ?? '', bucket);
  } else if (firstLabel !== undefined && previousStart !== undefined) {
    shift = ordinal(firstLabel, bucket) - ordinal(previousStart, bucket);
  } else {
    return labels.map(() => 0);
  }
  const previous = new Map(
    (result.comparison?.results ?? []).map((row) => [
      ordinal(row.dimensions[0] ?? '', bucket),
      asNumber(row.metrics[0]),
    ]),
  );
  return labels.map((label) => previous.get(ordinal(label, bucket) - shift) ?? 0);
}
