import { parseEcbRates } from './ecb-rates.ts';
import { fillDays } from './fill-days.ts';
import type { FxRateStore } from './types.ts';

/** What `zenovay fx import` reports. */
export interface FxImportSummary {
  readonly format: 'csv' | 'xml';
  /** Values the file published (after skipping codes not in use). */
  readonly published: number;
  /** Distinct calendar days covered, weekends and holidays included. */
  readonly days: number;
  /** Distinct currencies, EUR included. */
  readonly currencies: number;
  readonly firstDay: string;
  readonly lastDay: string;
  /** Rows inserted or replaced (a re-import of the same file writes rows again: same values). */
  readonly written: number;
  readonly skippedCodes: string[];
  readonly skippedValues: number;
}

/** Parses an ECB file, fills every calendar day, stores the rows. Throws `EcbFormatError` for a bad file. */
export async function importEcbRates(store: FxRateStore, text: string): Promise<FxImportSummary> {
  const parsed = parseEcbRates(text);
  const filled = fillDays(parsed.rates);
  const { written } = await store.importRates(filled.rows);
  return {
    format: parsed.format,
    published: parsed.rates.length,
    days: filled.days,
    currencies: filled.currencies,
    firstDay: filled.firstDay,
    lastDay: filled.lastDay,
    written,
    skippedCodes: parsed.skippedCodes,
    skippedValues: parsed.skippedValues,
  };
}
