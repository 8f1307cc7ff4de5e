/**
 * Server factories for the contract suites (test/contract/*-contract.ts): each suite is written
 * once against `StartServer` and run against the embedded default and the full scale-out mode.
 */
import { after, before } from 'node:test';
import pg from 'pg';
import { missingService, type RunningService, startService } from '../support/services.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

export type StartServer = (options?: Parameters<typeof startTestServer>[0]) => Promise<TestServer>;

/** The embedded default: DuckDB file, in-memory limits. */
export const startEmbedded: StartServer = (options) => startTestServer(options);

/**
 * The full scale-out mode (ClickHouse + PostgreSQL + Redis), one set of services for the whole
 * test file, started in a root `before` and removed in a root `after` (which runs after every
 * suite's own `after`). Each server gets its own ClickHouse database, PostgreSQL database and
 * Redis database, so two suites in one file see nothing of each other.
 * `skip` is why the services cannot run here (see `missingService`), or undefined.
 */
export function fullScaleOut(): { skip: string | undefined; start: StartServer } {
  const skip = missingService('clickhouse', 'postgres', 'redis');
  const services: RunningService[] = [];
  let count = 0;
  before(async () => {
    if (skip) return;
    services.push(
      ...(await Promise.all([startService('clickhouse'), startService('postgres'), startService('redis')])),
    );
  });
  after(async () => {
    await Promise.all(services.map((service) => service.destroy()));
  });
  const start: StartServer = async (options = {}) => {
    const [clickhouse, postgres, redis] = services;
    if (!clickhouse || !postgres || !redis) throw new Error('scale-out services are not running');
    count += 1;
    const database = `zenovay_contract_${count}`;
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${database}`);
    } finally {
      await admin.end();
    }
    const scale = {
      clickhouseUrl: `${clickhouse.url}/?database=${database}`,
      databaseUrl: postgres.url.replace(/\/postgres$/, `/${database}`),
      redisUrl: `${redis.url}/${count}`,
      spoolCapBytes: 50_000_000,
    };
    return startTestServer({ ...options, config: { ...options.config, scale } });
  };
  return { skip, start };
}
