import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DashboardClient } from './support/dashboard-client.ts';
import { missingService, type RunningService, startService } from './support/services.ts';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.ts';
import { readTestResponse, startTestServer, type TestServer } from './support/test-server.ts';

// Scale-out: two nodes on one PostgreSQL (and ClickHouse). A shared link made on one node opens on
// the other and, revoked there, stops on the first at once; a member removed on one node loses
// access on the other from the next request; and with both nodes' report schedulers ticking at
// the same moment, one mail goes out.
describe('sharing, members and reports in scale-out', {
  skip: missingService('postgres', 'clickhouse'),
}, () => {
  const password = 'correct horse battery staple';
  const services: RunningService[] = [];
  const nodes: TestServer[] = [];
  let smtp: SmtpSink;
  let siteId: string;
  const signedIn = async (node: TestServer, email: string) => {
    const client = new DashboardClient(node);
    assert.equal((await client.signIn(email, password)).status, 200);
    return client;
  };

  before(async () => {
    const [postgres, clickhouse] = await Promise.all([startService('postgres'), startService('clickhouse')]);
    services.push(postgres, clickhouse);
    smtp = await startSmtpSink();
    const config = {
      scale: {
        clickhouseUrl: `${clickhouse.url}/?database=zenovay_sharing`,
        databaseUrl: postgres.url,
        redisUrl: null,
      },
      mail: { smtpUrl: smtp.url, from: 'reports@zenovay.test', publicUrl: 'https://analytics.example' },
    };
    nodes.push(await startTestServer({ config }));
    nodes.push(await startTestServer({ config }));
    await nodes[0]!.runtime.accounts.createUser('owner@example.com', password);
    const owner = await signedIn(nodes[0]!, 'owner@example.com');
    siteId = (await owner.call('POST', '/sites', { domain: 'shared.example', timezone: 'UTC' })).body.site.id;
  });
  after(async () => {
    for (const node of nodes) await node.stop();
    for (const service of services) await service.destroy();
    await smtp?.close();
  });

  test('a link made on node 1 opens on node 2; revoked on node 2 it stops on node 1 at once', async () => {
    const [one, two] = nodes as [TestServer, TestServer];
    const ownerOne = await signedIn(one, 'owner@example.com');
    const ownerTwo = await signedIn(two, 'owner@example.com');
    const made = await ownerOne.call('POST', `/sites/${siteId}/shared-links`, { name: 'Board' });
    assert.equal(made.status, 201);
    const read = async (node: TestServer) =>
      readTestResponse(await fetch(`${node.url}/api/share/${made.body.token}/sites/${siteId}`));
    assert.equal((await read(two)).status, 200);
    assert.equal((await read(one)).status, 200);
    assert.equal(
      (await ownerTwo.call('DELETE', `/sites/${siteId}/shared-links/${made.body.link.id}`, {})).status,
      200,
    );
    assert.equal((await read(one)).status, 404);
    assert.equal((await read(two)).status, 404);
  });

  test('a member removed on node 1 loses access on node 2 from the next request', async () => {
    const [one, two] = nodes as [TestServer, TestServer];
    const viewer = await one.runtime.accounts.createUser('viewer@example.com', password);
    assert.equal(await one.runtime.members.add(siteId, viewer.id, 'viewer'), 'ok');
    const viewerTwo = await signedIn(two, 'viewer@example.com');
    const site = await viewerTwo.call('GET', `/sites/${siteId}`);
    assert.equal(site.status, 200);
    assert.equal(site.body.site.role, 'viewer');
    assert.equal((await viewerTwo.call('PATCH', `/sites/${siteId}`, { name: 'x' })).status, 403);
    const ownerOne = await signedIn(one, 'owner@example.com');
    assert.equal((await ownerOne.call('DELETE', `/sites/${siteId}/members/${viewer.id}`, {})).status, 200);
    assert.equal((await viewerTwo.call('GET', `/sites/${siteId}`)).status, 404);
  });

  test('both nodes’ schedulers at the same moment: the report is mailed once', async () => {
    const [one, two] = nodes as [TestServer, TestServer];
    const ownerOne = await signedIn(one, 'owner@example.com');
    assert.equal(
      (await ownerOne.call('POST', `/sites/${siteId}/reports`, { frequency: 'weekly' })).status,
      201,
    );
    const now = one.clock.now();
    const [a, b] = await Promise.all([
      one.runtime.reports.scheduler!.pass(now),
      two.runtime.reports.scheduler!.pass(now),
    ]);
    assert.equal(a.sent + b.sent, 1);
    assert.equal(a.failed + b.failed, 0);
    assert.equal(smtp.messages.length, 1);
    assert.equal(smtp.messages[0]!.subject, 'Weekly report for shared.example: 2026-03-02 to 2026-03-08');
    const again = await Promise.all([
      one.runtime.reports.scheduler!.pass(now),
      two.runtime.reports.scheduler!.pass(now),
    ]);
    assert.deepEqual(again, [
      { sent: 0, failed: 0 },
      { sent: 0, failed: 0 },
    ]);
  });
});
