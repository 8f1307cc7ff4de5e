import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../packages/server/src/cli/main.ts';
import { apiBase, assertApiOk, createKey } from './api-helpers.ts';
import { describeOnTwoScaleOutNodes } from './support/scale-out-nodes.ts';
import {
  addSite,
  postEvent,
  readTestResponse,
  serverDefaults,
  type TestServer,
  tempDataDir,
} from './support/test-server.ts';

// Scale-out: saved funnels live in PostgreSQL (a funnel saved on node 1 is queried on node 2 and
// listed by the CLI in direct mode), and the funnel query runs on ClickHouse.
describeOnTwoScaleOutNodes('funnels in scale-out', 'zenovay_funnels', (cluster) => {
  test('saved on node 1, answered on node 2 from ClickHouse, listed by the CLI', async () => {
    const [one, two] = cluster.nodes as [TestServer, TestServer];
    const site = await addSite(one, 'shared.example');
    const key = await createKey(one, { permissions: ['read', 'write'] });
    // Ann: /pricing then /thanks a minute later; Bob: /pricing only (both through node 1).
    const send = async (user: string, url: string) => {
      const response = await postEvent(one, site.trackingCode, {
        ...serverDefaults,
        session_id: `srv-${user}-visit`,
        user_id: user,
        url,
      });
      assert.equal(response.status, 202, JSON.stringify(response.body));
    };
    await send('ann', 'https://shared.example/pricing');
    await send('bob', 'https://shared.example/pricing');
    one.clock.advance(60_000);
    two.clock.advance(60_000);
    await send('ann', 'https://shared.example/thanks');
    await one.runtime.eventsLoaded();

    const created = await fetch(`${one.url}${apiBase}/websites/${site.id}/funnels`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Pricing to thanks',
        steps: [
          { type: 'page', page_path: '/pricing' },
          { type: 'page', page_path: '/than*' },
        ],
      }),
    });
    assert.equal(created.status, 201);
    const funnel = (await readTestResponse(created)).body.data;
    const answered = assertApiOk(
      await readTestResponse(
        await fetch(`${two.url}${apiBase}/stats/funnel`, {
          method: 'POST',
          headers: { 'x-api-key': key, 'content-type': 'application/json' },
          body: JSON.stringify({ site_id: site.id, date_range: '7d', funnel_id: funnel.id }),
        }),
      ),
    );
    assert.deepEqual(
      answered.steps.map((s: { visitors: number; drop_off: number }) => [s.visitors, s.drop_off]),
      [
        [2, 0],
        [1, 1],
      ],
    );
    const lines: string[] = [];
    const code = await runCli(
      ['funnels', 'list', '--site', site.id, '--json'],
      { ...cluster.env, ZENOVAY_DATA_DIR: tempDataDir() },
      (text) => lines.push(text),
    );
    assert.equal(code, 0);
    assert.deepEqual(
      JSON.parse(lines.pop()!).map((item: { id: string }) => item.id),
      [funnel.id],
    );
  });
});
