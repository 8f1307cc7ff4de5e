/**
 * `matches` patterns come from clients and compile inside the engines (RE2). A pattern the
 * validator (stats/validate.ts `patternProblem`) lets through must compile on every engine, or the
 * query fails at run time (a 500 on /api/v2/query: `\u0041`, `\cA`, `(?<n>x)` did). Generated
 * patterns over RE2's and JS's syntax characters, each run through the dialect's own literal.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { createClickHouseDialect } from '../packages/server/src/stats/clickhouse-dialect.ts';
import { duckDbDialect } from '../packages/server/src/stats/duckdb-dialect.ts';
import { patternProblem } from '../packages/server/src/stats/validate.ts';
import { missingChdb } from './support/chdb.ts';
import { ChdbServer } from './support/chdb-client.ts';
import { missingService, type RunningService, startService } from './support/services.ts';

const alphabet = [
  ...'\\\\\\()?[]{}*+|.^$-:,<>=!#',
  ...'aAbBcCdDeEfkKpPQsSuUwWxXzZiIm01279',
  '\\u0041',
  '\\x{41}',
  '(?P<n>',
  '(?i)',
  '\\pL',
  '[[:alpha:]]',
  '[[:foo:]]',
  '\\p{Greek}',
  '\\p{Foo}',
  '{1001}',
  '{2,3}',
  '[a-\\d]',
  '\\Q',
  '\\E',
];
const patterns = fc
  .array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 7 })
  .map((parts) => parts.join(''));

/** Patterns the validator accepts, from a fixed seed (so every engine checks the same ones). */
const accepted = fc
  .sample(patterns, { numRuns: 3_000, seed: 20 })
  .filter((pattern, i, all) => all.indexOf(pattern) === i && patternProblem(pattern) === null);

const knownBad = [
  '\\u0041',
  '\\cA',
  '(?<n>x)',
  '\\Z',
  '(?#c)',
  '(?>a)',
  '\\e',
  '\\pX',
  '\\p{NoSuchScript}',
  'a{1001}',
  '[[:foo:]]',
  '\\x4',
  'a\\',
];

it('the validator refuses what RE2 does not know, and keeps RE2 syntax', () => {
  for (const pattern of knownBad) assert.notEqual(patternProblem(pattern), null, pattern);
  for (const pattern of [
    '^/blog/',
    '\\pL+',
    '(?i)x',
    '(?P<n>x)',
    '(?s:.)',
    '\\Q.*\\E',
    '[[:alpha:]]',
    '\\x{41}',
    '\\d\\z',
  ]) {
    assert.equal(patternProblem(pattern), null, pattern);
  }
  assert.ok(accepted.length > 200, `${accepted.length} accepted patterns`);
});

describe('accepted patterns compile on DuckDB', () => {
  let instance: DuckDBInstance;
  before(async () => {
    instance = await DuckDBInstance.create(':memory:');
  });
  after(() => instance.closeSync());
  it('every one', async () => {
    const connection = await instance.connect();
    try {
      for (const pattern of accepted) {
        await connection
          .run(`SELECT ${duckDbDialect.regexMatch("'/blog/x'", pattern)}`)
          .catch((error: Error) => {
            assert.fail(`${JSON.stringify(pattern)}: ${error.message}`);
          });
      }
    } finally {
      connection.closeSync();
    }
  });
});

const clickHouseDialect = createClickHouseDialect('default');

describe('accepted patterns compile on ClickHouse 26 in process (chdb)', { skip: missingChdb() }, () => {
  let server: ChdbServer;
  before(() => {
    server = new ChdbServer();
  });
  after(() => server.close());
  it('every one', async () => {
    for (const pattern of accepted) {
      await server
        .run(`SELECT ${clickHouseDialect.regexMatch("'/blog/x'", pattern)}`, {})
        .catch((error: Error) => {
          assert.fail(`${JSON.stringify(pattern)}: ${error.message}`);
        });
    }
  });
});

describe('accepted patterns compile on ClickHouse 18.16', { skip: missingService('clickhouse') }, () => {
  let service: RunningService;
  before(async () => {
    service = await startService('clickhouse');
  });
  after(() => service.destroy());
  it('every one', async () => {
    for (const pattern of accepted) {
      const response = await fetch(service.url, {
        method: 'POST',
        body: `SELECT ${clickHouseDialect.regexMatch("'/blog/x'", pattern)}`,
      });
      const text = await response.text();
      assert.equal(response.status, 200, `${JSON.stringify(pattern)}: ${text.slice(0, 300)}`);
    }
  });
});
