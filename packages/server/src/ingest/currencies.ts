/**
 * ISO 4217 codes in current use, from the runtime's ICU data (Node ships full ICU): a maintained
 * list without a dependency. Historic codes (DEM, FRF) and the testing/no-currency codes (XTS, XXX)
 * are not in it, so they are refused on ingest.
 */
const codes: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

export function isCurrencyCode(code: string): boolean {
  return codes.has(code);
}
