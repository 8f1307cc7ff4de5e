/**
 * Hostile input: filter values, property names and stored values carrying SQL metacharacters,
 * quotes, comment sequences and unicode either give correct answers or a validation error —
 * never a SQL error, never another site's rows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { duckDbDialect } from '../packages/server/src/stats/duckdb-dialect.ts';
import { type Filter, StatsQueryError } from '../packages/server/src/stats/index.ts';
import {
  clickHouseFixtures,
  event,
  type Fixture,
  fixtureEvents,
  nowMs,
  type OpenFixture,
  openFixture,
  q,
  type StatsFixture,
  siteA,
  siteB,
} from './stats-fixture.ts';

const nasty = [
  "'; DROP TABLE events; --",
  '" OR 1=1 --',
  "x' OR '1'='1",
  '/* comment */',
  '-- comment',
  '\\',
  "\\'",
  '%',
  '_',
  '$1',
  '?',
  ':name',
  '{p1:String}',
  'ü日本🙂',
  '\u202e\u200b',
  ')); SELECT * FROM sites; --',
];
const weirdPath = `/it's "quoted" -- /*x*/ 100%_off \\ 日本🙂`;
const weirdKey = `we'ird" key;-- /*`;

/** The contract, run on each backend with the same fixture and assertions. */
function securityContract(open: OpenFixture): void {
  let fx: StatsFixture;
  before(async () => {
    fx = await open([
      ...fixtureEvents,
      event({
        at: '2026-03-04T12:00:00Z',
        session: 'w1',
        visitor: 'uw',
        path: weirdPath,
        props: { [weirdKey]: "v'1" },
      }),
      event({ at: '2026-03-04T12:01:00Z', session: 'w1', visitor: 'uw', path: '/1000' }),
    ]);
  });
  after(() => fx.close());

  async function run(filters: Filter[], dimensions: string[] = []) {
    return fx.engine.query(
      q({ filters, dimensions: dimensions as never, metrics: ['visitors', 'events'] }),
      siteA,
      nowMs,
    );
  }

  describe('SQL metacharacters in filters', () => {
    it('match nothing when no stored value equals or contains them', async () => {
      for (const value of nasty.filter((v) => v !== '%' && v !== '_' && v !== '\\')) {
        for (const op of ['is', 'contains'] as const) {
          const res = await run([{ op, dimension: 'event:page', values: [value] }]);
          assert.deepEqual(res.results[0]?.metrics, [0, 0], `${op} ${value}`);
        }
        const negated = await run([{ op: 'is_not', dimension: 'visit:source', values: [value] }]);
        assert.deepEqual(negated.results[0]?.metrics, [8, 16], `is_not ${value}`); // 7 fixture visitors + uw; 14 + 2 events
      }
    });

    it('match stored values that hold them, literally', async () => {
      assert.deepEqual(
        (await run([{ op: 'is', dimension: 'event:page', values: [weirdPath] }])).results[0]?.metrics,
        [1, 1],
      );
      assert.deepEqual(
        (await run([{ op: 'contains', dimension: 'event:page', values: [`'s "q`] }])).results[0]?.metrics,
        [1, 1],
      );
      // % and _ are not wildcards: only the weird page holds them, /1000 does not
      assert.deepEqual(
        (await run([{ op: 'contains', dimension: 'event:page', values: ['%_'] }])).results[0]?.metrics,
        [1, 1],
      );
      assert.deepEqual(
        (await run([{ op: 'contains', dimension: 'event:page', values: ['\\'] }])).results[0]?.metrics,
        [1, 1],
      );
      assert.deepEqual(
        (await run([{ op: 'contains', dimension: 'event:page', values: ['日本🙂'] }])).results[0]?.metrics,
        [1, 1],
      );
    });

    it('property names are data, not SQL', async () => {
      const res = await run([], [`event:props:${weirdKey}`]);
      const row = res.results.find((r) => r.dimensions[0] === "v'1");
      assert.deepEqual(row?.metrics, [1, 1]);
      const filtered = await run([{ op: 'is', dimension: `event:props:${weirdKey}`, values: ["v'1"] }]);
      assert.deepEqual(filtered.results[0]?.metrics, [1, 1]);
      for (const key of nasty) {
        const other = await run([], [`event:props:${key}`]);
        assert.deepEqual(other.results, [{ dimensions: ['(none)'], metrics: [8, 16] }], key);
      }
    });

    it('refuses NUL with a validation error', async () => {
      await assert.rejects(run([{ op: 'is', dimension: 'event:page', values: ['a\0b'] }]), StatsQueryError);
      await assert.rejects(run([], ['event:props:a\0b']), StatsQueryError);
    });

    it('arbitrary unicode strings never cause a SQL error', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ unit: 'grapheme', maxLength: 40 }),
          fc.string({ maxLength: 20 }),
          async (value, key) => {
            if (value.includes('\0') || key.includes('\0') || key === '') return;
            const res = await run(
              [
                { op: 'contains_not', dimension: 'event:page', values: [value] },
                { op: 'is_not', dimension: `event:props:${key}`, values: [value] },
              ],
              [`event:props:${key}`],
            );
            for (const row of res.results) assert.equal(typeof row.dimensions[0], 'string');
          },
        ),
        { numRuns: 60 },
      );
    });
  });

  describe('site isolation', () => {
    it("never returns another site's rows", async () => {
      const pages = await run([], ['event:page']);
      assert.ok(!pages.results.some((r) => r.dimensions[0] === '/secret'));
      const everything = await fx.engine.query(
        q({
          dateRange: { kind: 'custom', start: '2020-01-01', end: '2027-01-01' },
          dimensions: ['visit:country'],
        }),
        siteA,
        nowMs,
      );
      assert.ok(!everything.results.some((r) => r.dimensions[0] === 'JP'));
      // B's own view: u1 + u9; the shared session id s1 is a different visit there
      const b = await fx.engine.query(
        q({ siteId: siteB.id, metrics: ['visitors', 'visits', 'pageviews'] }),
        siteB,
        nowMs,
      );
      assert.deepEqual(b.results[0]?.metrics, [2, 2, 2]);
    });

    it('refuses a query whose site is not the site being queried', async () => {
      await assert.rejects(fx.engine.query(q({ siteId: siteB.id }), siteA, nowMs), StatsQueryError);
      await assert.rejects(
        fx.engine.query(q({ siteId: "site-a' OR '1'='1" }), siteA, nowMs),
        StatsQueryError,
      );
    });
  });
}

describe('on DuckDB', () => securityContract(openFixture));

const clickhouse = clickHouseFixtures();
describe('on ClickHouse', { skip: clickhouse.skip }, () => {
  securityContract(clickhouse.open);
  after(() => clickhouse.stop());
});

describe('the escaping function', () => {
  let fx: Fixture;
  before(async () => {
    fx = await openFixture();
  });
  after(() => fx.close());

  it('round-trips arbitrary strings through DuckDB', async () => {
    const connection = await fx.instance.connect();
    try {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 60 }), async (value) => {
          if (value.includes('\0')) {
            assert.throws(() => duckDbDialect.stringLiteral(value));
            return;
          }
          const reader = await connection.runAndReadAll(`SELECT ${duckDbDialect.stringLiteral(value)} AS v`);
          assert.equal(reader.getRowObjectsJS()[0]?.v, value);
        }),
        { numRuns: 300 },
      );
    } finally {
      connection.closeSync();
    }
  });
});
