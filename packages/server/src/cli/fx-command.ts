import fs from 'node:fs';
import type { FxOps } from '../admin/fx-ops.ts';

export const fxUsage = `  fx import FILE                                     load ECB reference rates (eurofxref-hist.csv,
                                                     eurofxref.csv, eurofxref-daily.xml, eurofxref-hist.xml)`;

/** `fx import FILE`; the exit code, or undefined when the subcommand is unknown. */
export async function runFxCommand(
  ops: FxOps,
  command: string | undefined,
  args: string[],
  options: { readonly json: boolean },
  out: (text: string) => void,
): Promise<number | undefined> {
  if (command !== 'import') return undefined;
  const file = args[0];
  if (!file) throw new Error('fx import needs a FILE: the ECB reference rates, e.g. eurofxref-hist.csv');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const summary = await ops.importRates({ text });
  if (options.json) {
    out(
      JSON.stringify({
        format: summary.format,
        published: summary.published,
        days: summary.days,
        currencies: summary.currencies,
        first_day: summary.firstDay,
        last_day: summary.lastDay,
        rows_written: summary.written,
        skipped_codes: summary.skippedCodes,
        skipped_values: summary.skippedValues,
      }),
    );
    return 0;
  }
  const skipped =
    summary.skippedCodes.length === 0
      ? 'none'
      : `${summary.skippedCodes.join(', ')} (${summary.skippedValues} values; not ISO 4217 codes in use)`;
  out(
    [
      `Imported ${summary.published} published rates (${summary.format.toUpperCase()})`,
      `  days:          ${summary.days} (${summary.firstDay} to ${summary.lastDay}, weekends and holidays carry the last rate)`,
      `  currencies:    ${summary.currencies} (EUR included)`,
      `  rows written:  ${summary.written}`,
      `  skipped codes: ${skipped}`,
    ].join('\n'),
  );
  return 0;
}
