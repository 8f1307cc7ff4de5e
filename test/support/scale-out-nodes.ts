import { after, before, describe } from 'node:test';
import { missingService, type RunningService, startService } from './services.ts';
import { startTestServer, type TestServer } from './test-server.ts';

// The scale-out tests of what lives in PostgreSQL (goals, funnels) all start the same cluster: one
// throwaway PostgreSQL and ClickHouse, two nodes on them (no Redis), and the environment that
// points the CLI in direct mode at the same databases. It is started here once for all of them.

/** Two nodes on one PostgreSQL and ClickHouse, filled in before the first test. */
export interface ScaleOutNodes {
  /** Node 1 and node 2, started one after the other. */
  readonly nodes: TestServer[];
  /** `ZENOVAY_CLICKHOUSE_URL` and `DATABASE_URL`: the CLI's environment in direct mode. */
  readonly env: Record<string, string>;
  /** The ClickHouse server itself (no database chosen). */
  readonly clickhouseUrl: string;
}

/**
 * Describes `name` (skipped where PostgreSQL or ClickHouse is not installed) on two nodes sharing
 * one PostgreSQL and ClickHouse, whose events and rates go to `clickhouseDatabase`; the nodes
 * are stopped and the services removed after the tests.
 */
export function describeOnTwoScaleOutNodes(
  name: string,
  clickhouseDatabase: string,
  body: (cluster: ScaleOutNodes) => void,
): void {
  describe(name, { skip: missingService('postgres', 'clickhouse') }, () => {
    const services: RunningService[] = [];
    const cluster = { nodes: [] as TestServer[], env: {} as Record<string, string>, clickhouseUrl: '' };
    before(async () => {
      const [postgres, clickhouse] = await Promise.all([
        startService('postgres'),
        startService('clickhouse'),
      ]);
      services.push(postgres, clickhouse);
      cluster.clickhouseUrl = clickhouse.url;
      const scale = {
        clickhouseUrl: `${clickhouse.url}/?database=${clickhouseDatabase}`,
        databaseUrl: postgres.url,
        redisUrl: null,
      };
      Object.assign(cluster.env, {
        ZENOVAY_CLICKHOUSE_URL: scale.clickhouseUrl,
        DATABASE_URL: scale.databaseUrl,
      });
      cluster.nodes.push(await startTestServer({ config: { scale } }));
      cluster.nodes.push(await startTestServer({ config: { scale } }));
    });
    after(async () => {
      for (const node of cluster.nodes) await node.stop();
      for (const service of services) await service.destroy();
    });
    body(cluster);
  });
}
