import type { ClickHouseClient } from './client.ts';
import { ClickHouseHttp } from './http-client.ts';
import type { ClickHouseTarget } from './target.ts';

/** The client for one of the target's servers: over HTTP unless the target says otherwise. */
export function connectClickHouse(
  target: ClickHouseTarget,
  url: string,
  settings: Record<string, string> = {},
  timeoutMs = 30_000,
): ClickHouseClient {
  return target.connect
    ? target.connect(url, settings, timeoutMs)
    : new ClickHouseHttp(url, settings, timeoutMs);
}
