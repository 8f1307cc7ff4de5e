/**
 * The European Central Bank's published euro reference rates, read from the files it offers for
 * download (no network access here: the operator fetches them): the CSV files `eurofxref-hist.csv`
 * and `eurofxref.csv`, and the XML files `eurofxref-daily.xml`, `eurofxref-hist.xml` and
 * `eurofxref-hist-90d.xml`. Anything else is refused with `EcbFormatError`.
 */
import { isCurrencyCode } from '../ingest/currencies.ts';
import type { PublishedRate } from './types.ts';

export interface EcbRates {
  readonly format: 'csv' | 'xml';
  /** Every published value, at most one per (day, currency). */
  readonly rates: PublishedRate[];
  /** Columns or entries whose code is not an ISO 4217 code in use (CYP, SIT…), sorted; skipped. */
  readonly skippedCodes: string[];
  /** How many published values those skipped codes had. */
  readonly skippedValues: number;
}

/** The file is not one of the ECB's reference-rate files, or is damaged; the message says where. */
export class EcbFormatError extends Error {}

const months = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

export function parseEcbRates(text: string): EcbRates {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body.startsWith('<')) return parseXml(body);
  if (/^Date\s*,/.test(body)) return parseCsv(body);
  if (body.startsWith('PK')) {
    throw new EcbFormatError(
      'this is a zip archive: unzip it first (eurofxref-hist.zip holds eurofxref-hist.csv)',
    );
  }
  throw new EcbFormatError(
    'not an ECB reference-rate file: expected eurofxref-hist.csv / eurofxref.csv (first line "Date,USD,JPY,…") or eurofxref-daily.xml / eurofxref-hist.xml (<Cube time="…"><Cube currency="…" rate="…"/>)',
  );
}

/** Collects values, skipping codes not in use and EUR itself (always 1, added by the filling). */
class Collector {
  private readonly byKey = new Map<string, PublishedRate>();
  private readonly skipped = new Set<string>();
  private skippedValues = 0;

  add(day: string, code: string, raw: string, where: string): void {
    const value = raw.trim();
    if (value === '' || value.toUpperCase() === 'N/A') return; // not published that day
    const currency = code.trim().toUpperCase();
    if (currency === 'EUR') return;
    if (!isCurrencyCode(currency)) {
      this.skipped.add(currency);
      this.skippedValues += 1;
      return;
    }
    const perEur = Number(value);
    if (!/^\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value) || !(perEur > 0) || !Number.isFinite(perEur)) {
      throw new EcbFormatError(
        `${where}: the ${currency} rate "${value.slice(0, 40)}" is not a positive number`,
      );
    }
    this.byKey.set(`${day} ${currency}`, { day, currency, perEur });
  }

  result(format: 'csv' | 'xml'): EcbRates {
    const rates = [...this.byKey.values()];
    if (rates.length === 0) throw new EcbFormatError('the file holds no exchange rate');
    return { format, rates, skippedCodes: [...this.skipped].sort(), skippedValues: this.skippedValues };
  }
}

function parseCsv(body: string): EcbRates {
  const lines = body.split(/\r?\n/);
  const header = lines[0]!.split(',').map((cell) => cell.trim());
  const collector = new Collector();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    const day = csvDay(cells[0]!.trim(), `line ${i + 1}`);
    for (let column = 1; column < cells.length; column++) {
      const code = header[column] ?? '';
      const value = cells[column]!;
      // The trailing comma of every line makes an empty last column with an empty header.
      if (code === '') {
        if (value.trim() !== '')
          throw new EcbFormatError(`line ${i + 1}: a value in a column with no currency`);
        continue;
      }
      if (!/^[A-Za-z]{3}$/.test(code))
        throw new EcbFormatError(`line 1: "${code.slice(0, 20)}" is not a currency code`);
      collector.add(day, code, value, `line ${i + 1}`);
    }
  }
  return collector.result('csv');
}

/** `2026-03-06` (historic file) or `06 March 2026` (daily file). */
function csvDay(cell: string, where: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(cell)) return checkedDay(cell, where);
  const match = /^(\d{1,2}) ([A-Za-z]+) (\d{4})$/.exec(cell);
  const month = match ? months.indexOf(match[2]!.toLowerCase()) : -1;
  if (!match || month < 0) throw new EcbFormatError(`${where}: "${cell.slice(0, 40)}" is not a date`);
  const day = `${match[3]}-${String(month + 1).padStart(2, '0')}-${match[1]!.padStart(2, '0')}`;
  return checkedDay(day, where);
}

function checkedDay(day: string, where: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new EcbFormatError(`${where}: "${day}" is not a calendar date`);
  }
  return day;
}

/**
 * `<Cube time="2026-03-06"><Cube currency="USD" rate="1.0876"/>…</Cube>`, in single or double
 * quotes, attributes in any order. Only Cube elements are read: the envelope around them varies.
 */
function parseXml(body: string): EcbRates {
  const collector = new Collector();
  let day: string | null = null;
  let cubes = 0;
  for (const tag of body.matchAll(/<(?:[A-Za-z_][\w.-]*:)?Cube\b([^>]*)>/g)) {
    cubes += 1;
    const attributes = new Map<string, string>();
    for (const attr of tag[1]!.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attributes.set(attr[1]!, attr[2] ?? attr[3] ?? '');
    }
    const where = `Cube element ${cubes}`;
    const time = attributes.get('time');
    if (time !== undefined) day = checkedDay(time.trim(), where);
    const currency = attributes.get('currency');
    if (currency === undefined) continue;
    if (day === null) throw new EcbFormatError(`${where}: a rate outside any <Cube time="…">`);
    const rate = attributes.get('rate');
    if (rate === undefined) throw new EcbFormatError(`${where}: the ${currency} entry has no rate`);
    collector.add(day, currency, rate, where);
  }
  if (cubes === 0) {
    throw new EcbFormatError('not an ECB reference-rate XML file: it has no <Cube> elements');
  }
  return collector.result('xml');
}
