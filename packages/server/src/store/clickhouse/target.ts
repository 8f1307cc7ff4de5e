import type { ClickHouseConnect } from './client.ts';
import { sqlIdentifier } from './sql.ts';

/**
 * Where events go, from `ZENOVAY_CLICKHOUSE_URL`: one server (`http://host:8123/?database=zenovay`)
 * or a comma-separated list of shards of the cluster `zenovay` (remote_servers in each server's
 * config). With shards, each holds `events_local` and a `Distributed` table `events` over all of
 * them; the service creates both on every shard, since 18.16's ON CLUSTER needs ZooKeeper.
 */
export interface ClickHouseTarget {
  readonly shardUrls: readonly string[];
  readonly database: string;
  /** How to reach a server; over HTTP when absent (tests pass ClickHouse in process). */
  readonly connect?: ClickHouseConnect;
}

export function parseClickHouseUrl(raw: string): ClickHouseTarget {
  const urls = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => new URL(item));
  if (urls.length === 0) throw new Error('ZENOVAY_CLICKHOUSE_URL names no server');
  const database = sqlIdentifier(urls[0]!.searchParams.get('database') ?? 'zenovay');
  const shardUrls = urls.map((url) => {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`ZENOVAY_CLICKHOUSE_URL must be http(s), got ${url.protocol}`);
    }
    url.searchParams.delete('database');
    return url.toString();
  });
  return { shardUrls, database };
}
