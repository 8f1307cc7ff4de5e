import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { EcbFormatError, parseEcbRates } from '../packages/server/src/fx/ecb-rates.ts';
import { fillDays } from '../packages/server/src/fx/fill-days.ts';
import { importEcbRates } from '../packages/server/src/fx/fx-import.ts';
import { ClickHouseFxStore } from '../packages/server/src/store/clickhouse/fx-store.ts';
import { ClickHouseHttp } from '../packages/server/src/store/clickhouse/http-client.ts';
import { DuckDbFxStore } from '../packages/server/src/store/duckdb/fx-store.ts';
import { openDuckDb } from '../packages/server/src/store/duckdb/open.ts';
import { missingService, type RunningService, startService } from './support/services.ts';
import { tempDataDir } from './support/test-server.ts';

const fixture = (name: string) =>
  fs.readFileSync(path.join(import.meta.dirname, 'fixtures/fx', name), 'utf8');

const sorted = <T extends { day: string; currency: string }>(rows: T[]) =>
  [...rows].sort((a, b) => a.day.localeCompare(b.day) || a.currency.localeCompare(b.currency));

describe('ECB reference-rate files', () => {
  test('the historic CSV: trailing comma, N/A missing, CYP skipped and counted', () => {
    const parsed = parseEcbRates(fixture('eurofxref-hist.csv'));
    assert.equal(parsed.format, 'csv');
    assert.deepEqual(parsed.skippedCodes, ['CYP']);
    assert.equal(parsed.skippedValues, 1, 'CYP published once; N/A is no value');
    assert.deepEqual(sorted(parsed.rates), [
      { day: '2026-03-05', currency: 'GBP', perEur: 0.84 },
      { day: '2026-03-05', currency: 'JPY', perEur: 162.9 },
      { day: '2026-03-05', currency: 'USD', perEur: 1.085 },
      { day: '2026-03-06', currency: 'GBP', perEur: 0.8412 },
      { day: '2026-03-06', currency: 'JPY', perEur: 163.45 },
      { day: '2026-03-06', currency: 'USD', perEur: 1.0876 },
      { day: '2026-03-09', currency: 'GBP', perEur: 0.843 },
      { day: '2026-03-09', currency: 'JPY', perEur: 164.02 },
      { day: '2026-03-09', currency: 'USD', perEur: 1.0901 },
    ]);
  });

  test('the daily CSV: spaces after commas, "06 March 2026"', () => {
    const parsed = parseEcbRates(fixture('eurofxref.csv'));
    assert.equal(parsed.format, 'csv');
    assert.deepEqual(parsed.skippedCodes, []);
    assert.deepEqual(sorted(parsed.rates), [
      { day: '2026-03-06', currency: 'BGN', perEur: 1.9558 },
      { day: '2026-03-06', currency: 'GBP', perEur: 0.8412 },
      { day: '2026-03-06', currency: 'JPY', perEur: 163.45 },
      { day: '2026-03-06', currency: 'USD', perEur: 1.0876 },
    ]);
  });

  test('the daily XML (single quotes) and the historic XML (double quotes, SIT skipped)', () => {
    const daily = parseEcbRates(fixture('eurofxref-daily.xml'));
    assert.equal(daily.format, 'xml');
    assert.deepEqual(sorted(daily.rates), [
      { day: '2026-03-06', currency: 'GBP', perEur: 0.8412 },
      { day: '2026-03-06', currency: 'JPY', perEur: 163.45 },
      { day: '2026-03-06', currency: 'USD', perEur: 1.0876 },
    ]);
    const hist = parseEcbRates(fixture('eurofxref-hist.xml'));
    assert.deepEqual(hist.skippedCodes, ['SIT']);
    assert.equal(hist.skippedValues, 2);
    assert.deepEqual(sorted(hist.rates), [
      { day: '2026-03-06', currency: 'GBP', perEur: 0.8412 },
      { day: '2026-03-06', currency: 'USD', perEur: 1.0876 },
      { day: '2026-03-09', currency: 'GBP', perEur: 0.843 },
      { day: '2026-03-09', currency: 'USD', perEur: 1.0901 },
    ]);
  });

  test('anything else is refused with a sentence saying what was expected', () => {
    const refusals: Array<[string, RegExp]> = [
      ['{"USD": 1.08}', /not an ECB reference-rate file/],
      ['PK\u0003\u0004binary', /zip archive: unzip it first/],
      ['Date,USD,\n2026-03-06,abc,\n', /line 2: the USD rate "abc" is not a positive number/],
      ['Date,USD,\n2026-02-30,1.1,\n', /line 2: "2026-02-30" is not a calendar date/],
      ['Date,USD,\n06 Mars 2026,1.1,\n', /line 2: "06 Mars 2026" is not a date/],
      ['Date,USD,\n', /holds no exchange rate/],
      ['<html><body>Not found</body></html>', /has no <Cube> elements/],
      ["<Cube><Cube currency='USD' rate='1.1'/></Cube>", /a rate outside any <Cube time/],
    ];
    for (const [text, message] of refusals) {
      assert.throws(
        () => parseEcbRates(text),
        (error: unknown) => {
          assert.ok(error instanceof EcbFormatError, String(error));
          assert.match(error.message, message);
          return true;
        },
      );
    }
  });
});

describe('filling calendar days', () => {
  test('Friday’s rate stands for Saturday and Sunday; up to 6 days after the last date', () => {
    const filled = fillDays(parseEcbRates(fixture('eurofxref-hist.csv')).rates);
    // USD, JPY, GBP from Thu 03-05 to Mon 03-09 + 6 = Sun 03-15: 11 days each, plus EUR = 1.
    assert.equal(filled.rows.length, 44);
    assert.equal(filled.days, 11);
    assert.equal(filled.currencies, 4);
    assert.equal(filled.firstDay, '2026-03-05');
    assert.equal(filled.lastDay, '2026-03-15');
    const usd = filled.rows.filter((row) => row.currency === 'USD');
    assert.deepEqual(
      usd.map((row) => [row.day, row.perEur, row.sourceDay]),
      [
        ['2026-03-05', 1.085, '2026-03-05'],
        ['2026-03-06', 1.0876, '2026-03-06'],
        ['2026-03-07', 1.0876, '2026-03-06'],
        ['2026-03-08', 1.0876, '2026-03-06'],
        ['2026-03-09', 1.0901, '2026-03-09'],
        ['2026-03-10', 1.0901, '2026-03-09'],
        ['2026-03-11', 1.0901, '2026-03-09'],
        ['2026-03-12', 1.0901, '2026-03-09'],
        ['2026-03-13', 1.0901, '2026-03-09'],
        ['2026-03-14', 1.0901, '2026-03-09'],
        ['2026-03-15', 1.0901, '2026-03-09'],
      ],
    );
    const eur = filled.rows.filter((row) => row.currency === 'EUR');
    assert.equal(eur.length, 11);
    assert.deepEqual(eur[2], { day: '2026-03-07', currency: 'EUR', perEur: 1, sourceDay: '2026-03-07' });
  });

  test('a gap longer than 6 days leaves the days beyond it without a rate', () => {
    const filled = fillDays([
      { day: '2026-03-01', currency: 'USD', perEur: 1.1 },
      { day: '2026-03-10', currency: 'USD', perEur: 1.2 },
    ]);
    const days = filled.rows.filter((row) => row.currency === 'USD').map((row) => row.day);
    // 03-01..03-07 carry 03-01; 03-08 and 03-09 are 7 and 8 days old: none; 03-10..03-16.
    assert.deepEqual(days, [
      '2026-03-01',
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
      '2026-03-10',
      '2026-03-11',
      '2026-03-12',
      '2026-03-13',
      '2026-03-14',
      '2026-03-15',
      '2026-03-16',
    ]);
    assert.equal(filled.rows.filter((row) => row.currency === 'EUR').length, 14);
  });
});

describe('importing on DuckDB', () => {
  test('a re-import never lets a carried rate replace a published one', async () => {
    const dir = tempDataDir();
    const instance = await openDuckDb(dir);
    const store = await DuckDbFxStore.open(instance);
    try {
      const first = await importEcbRates(store, fixture('eurofxref-hist.csv'));
      assert.equal(first.written, 44);
      assert.equal(first.published, 9);
      // The daily XML knows only Friday: it carries Friday's rate to Mon 03-09..Thu 03-12, where
      // the historic file's Monday rate (published later) must stay. Written: 03-06..03-08 for
      // USD, JPY, GBP and EUR (12), and EUR alone on 03-09..03-12 (4, each its own day's).
      const second = await importEcbRates(store, fixture('eurofxref-daily.xml'));
      assert.equal(second.written, 16);
      assert.equal(second.days, 7);
      const connection = await instance.connect();
      const reader = await connection.runAndReadAll(
        `SELECT day, per_eur, source_day FROM fx_rates WHERE currency = 'USD'
         AND day BETWEEN '2026-03-06' AND '2026-03-10' ORDER BY day`,
      );
      assert.deepEqual(reader.getRowObjectsJS(), [
        { day: '2026-03-06', per_eur: 1.0876, source_day: '2026-03-06' },
        { day: '2026-03-07', per_eur: 1.0876, source_day: '2026-03-06' },
        { day: '2026-03-08', per_eur: 1.0876, source_day: '2026-03-06' },
        { day: '2026-03-09', per_eur: 1.0901, source_day: '2026-03-09' },
        { day: '2026-03-10', per_eur: 1.0901, source_day: '2026-03-09' },
      ]);
      const count = await connection.runAndReadAll('SELECT count(*) AS n FROM fx_rates');
      assert.equal(Number(count.getRowObjectsJS()[0]!.n), 44, 'no day outside the first import was added');
      connection.closeSync();
    } finally {
      store.close();
      instance.closeSync();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const clickhouseSkip = missingService('clickhouse');
let clickhouse: RunningService | undefined;
after(async () => clickhouse?.destroy());

describe('importing on ClickHouse', { skip: clickhouseSkip }, () => {
  test('the latest-published copy of a day wins there too', async () => {
    clickhouse = await startService('clickhouse');
    const target = { shardUrls: [clickhouse.url], database: 'fx_import_test' };
    const store = new ClickHouseFxStore(target);
    const first = await importEcbRates(store, fixture('eurofxref-hist.xml'));
    // USD, GBP from Fri 03-06 to Mon 03-09 + 6 = Sun 03-15 (10 days), plus EUR: 30 rows.
    assert.equal(first.written, 30);
    await importEcbRates(store, fixture('eurofxref-daily.xml'));
    const http = new ClickHouseHttp(clickhouse.url);
    // The stats read it this way (stats/clickhouse-dialect.ts), before and after parts merge.
    const read = () =>
      http.rows<{ day: string; currency: string; per_eur: number }>(
        `SELECT day, currency, argMax(per_eur, source_version) AS per_eur FROM fx_import_test.fx_rates
         WHERE currency IN ('USD', 'JPY') AND day IN ('2026-03-07', '2026-03-09') GROUP BY day, currency
         ORDER BY day, currency`,
      );
    const expected = [
      { day: '2026-03-07', currency: 'JPY', per_eur: 163.45 },
      { day: '2026-03-07', currency: 'USD', per_eur: 1.0876 },
      { day: '2026-03-09', currency: 'JPY', per_eur: 163.45 },
      { day: '2026-03-09', currency: 'USD', per_eur: 1.0901 },
    ];
    assert.deepEqual(await read(), expected);
    await http.exec('OPTIMIZE TABLE fx_import_test.fx_rates FINAL');
    assert.deepEqual(await read(), expected);
  });
});
