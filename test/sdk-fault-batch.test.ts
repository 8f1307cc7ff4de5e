import { after, before, test } from 'node:test';
import { ApiKeyService } from '../packages/server/src/auth/key-service.ts';
import { assertEveryEventStoredOnce, runFaultProfile } from './support/sdk-fault-run.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const count = 10_000;

let server: TestServer;
before(async () => {
  // The test server's clock stands still, so per-key windows never reset: raise the key limits.
  server = await startTestServer({ config: { batchIngestLimits: [{ limit: 1_000_000, windowMs: 10_000 }] } });
});
after(() => server.stop());

test('batch transport through a faulty proxy: 10,000 events, each stored exactly once', async (t) => {
  const apiKey = (
    await new ApiKeyService(server.runtime.metadata, server.clock).create({ permissions: ['ingest'] })
  ).key;
  const report = await runFaultProfile(server, count, { apiKey, batchSize: 50, concurrency: 4 });
  t.diagnostic(`proxy: ${JSON.stringify(report.proxy)}`);
  assertEveryEventStoredOnce(report, count);
});
