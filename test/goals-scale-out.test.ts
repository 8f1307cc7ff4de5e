import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../packages/server/src/cli/main.ts';
import { ClickHouseHttp } from '../packages/server/src/store/clickhouse/http-client.ts';
import { apiBase, assertApiOk, createKey } from './api-helpers.ts';
import { describeOnTwoScaleOutNodes } from './support/scale-out-nodes.ts';
import { addSite, readTestResponse, type TestServer, tempDataDir } from './support/test-server.ts';

// Scale-out: goals live in PostgreSQL (every node sees a goal added through another, and the CLI
// in direct mode), exchange rates in ClickHouse where the stats join them.
describeOnTwoScaleOutNodes('goals and exchange rates in scale-out', 'zenovay_goals', (cluster) => {
  test('a goal added on node 1 is listed on node 2 and by the CLI; fx import reaches ClickHouse', async () => {
    const [one, two] = cluster.nodes as [TestServer, TestServer];
    const site = await addSite(one, 'shared.example');
    const key = await createKey(one, { permissions: ['read', 'write'] });
    const created = await fetch(`${one.url}${apiBase}/websites/${site.id}/goals`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'page', name: 'Docs', page_path: '/docs/**' }),
    });
    const goal = (await readTestResponse(created)).body.data;
    assert.equal(created.status, 201);
    const listed = assertApiOk(
      await readTestResponse(
        await fetch(`${two.url}${apiBase}/websites/${site.id}/goals`, { headers: { 'x-api-key': key } }),
      ),
    );
    assert.deepEqual(
      listed.goals.map((item: { id: string }) => item.id),
      [goal.id],
    );

    const lines: string[] = [];
    const cli = (...argv: string[]) =>
      runCli([...argv, '--json'], { ...cluster.env, ZENOVAY_DATA_DIR: tempDataDir() }, (text) =>
        lines.push(text),
      );
    assert.equal(await cli('goals', 'list', '--site', site.id), 0);
    assert.deepEqual(
      JSON.parse(lines.pop()!).map((item: { name: string }) => item.name),
      ['Docs'],
    );
    const file = path.join(import.meta.dirname, 'fixtures/fx/eurofxref-hist.csv');
    assert.equal(await cli('fx', 'import', file), 0);
    assert.equal(JSON.parse(lines.pop()!).rows_written, 44);
    const rows = await new ClickHouseHttp(cluster.clickhouseUrl).rows<{ per_eur: number }>(
      `SELECT argMax(per_eur, source_version) AS per_eur FROM zenovay_goals.fx_rates
       WHERE day = '2026-03-07' AND currency = 'USD'`,
    );
    assert.deepEqual(rows, [{ per_eur: 1.0876 }], 'Saturday carries Friday’s rate');
  });
});
