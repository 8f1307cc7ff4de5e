import { after, before, test } from 'node:test';
import { assertEveryEventStoredOnce, runFaultProfile } from './support/sdk-fault-run.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const count = 10_000;
// The public endpoint's per-IP limits, raised by config for this test (client budget to match).
const raised = [{ limit: 1_000_000, windowMs: 10_000 }];

let server: TestServer;
before(async () => {
  server = await startTestServer({ config: { ingestLimits: raised } });
});
after(() => server.stop());

test('single-event transport through a faulty proxy: 10,000 events, each stored exactly once', async (t) => {
  const report = await runFaultProfile(server, count, { rateLimit: raised, concurrency: 16 });
  t.diagnostic(`proxy: ${JSON.stringify(report.proxy)}`);
  assertEveryEventStoredOnce(report, count);
});
