import type { FxRow, PublishedRate } from './types.ts';

/**
 * How many days a published rate stands for the days after it. The ECB publishes on TARGET working
 * days only: weekends and holidays (Easter is the longest gap: Thursday to Tuesday, 5 days) carry
 * the last working day's rate. A currency the ECB stopped publishing (RUB since March 2022) then
 * stops converting after 6 days instead of converting at a stale rate for ever.
 */
export const carryDays = 6;

export interface FilledRates {
  /** One row per currency and covered calendar day, plus EUR = 1 for every covered day. */
  readonly rows: FxRow[];
  /** First and last covered day ('' when nothing). */
  readonly firstDay: string;
  readonly lastDay: string;
  /** Distinct covered days. */
  readonly days: number;
  /** Distinct currencies, EUR included. */
  readonly currencies: number;
}

const dayMs = 86_400_000;
const toMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const toDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * For every currency and every calendar day from its first published date to `carryDays` after the
 * file's last date: the latest rate published on or before that day, if at most `carryDays` older,
 * with `sourceDay` = that publication date. Pure: the same rates always give the same rows.
 */
export function fillDays(published: readonly PublishedRate[]): FilledRates {
  if (published.length === 0) return { rows: [], firstDay: '', lastDay: '', days: 0, currencies: 0 };
  let fileLastMs = 0;
  const byCurrency = new Map<string, Map<number, number>>();
  for (const rate of published) {
    const ms = toMs(rate.day);
    fileLastMs = Math.max(fileLastMs, ms);
    const days = byCurrency.get(rate.currency) ?? new Map<number, number>();
    byCurrency.set(rate.currency, days);
    days.set(ms, rate.perEur);
  }
  const endMs = fileLastMs + carryDays * dayMs;
  const rows: FxRow[] = [];
  const covered = new Set<number>();
  for (const currency of [...byCurrency.keys()].sort()) {
    const days = byCurrency.get(currency)!;
    const publishedDays = [...days.keys()].sort((a, b) => a - b);
    let next = 0; // index of the first publication after the current day
    let sourceMs = -1;
    for (let ms = publishedDays[0]!; ms <= endMs; ms += dayMs) {
      while (next < publishedDays.length && publishedDays[next]! <= ms) sourceMs = publishedDays[next++]!;
      if (ms - sourceMs > carryDays * dayMs) continue;
      covered.add(ms);
      rows.push({ day: toDay(ms), currency, perEur: days.get(sourceMs)!, sourceDay: toDay(sourceMs) });
    }
  }
  const coveredDays = [...covered].sort((a, b) => a - b);
  for (const ms of coveredDays)
    rows.push({ day: toDay(ms), currency: 'EUR', perEur: 1, sourceDay: toDay(ms) });
  return {
    rows,
    firstDay: toDay(coveredDays[0]!),
    lastDay: toDay(coveredDays[coveredDays.length - 1]!),
    days: coveredDays.length,
    currencies: byCurrency.size + 1,
  };
}
