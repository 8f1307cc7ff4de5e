import type { ExportedEvent } from '../../packages/server/src/store/event-reader.ts';
import type { TestServer } from '../support/test-server.ts';

const everMs = Date.parse('2100-01-01T00:00:00Z');

/**
 * A site's stored events, read the way the service reads them in either mode (the runtime's
 * `EventReader`: DuckDB, or ClickHouse with each event once), oldest first.
 */
export async function storedRows(server: TestServer, siteId: string): Promise<ExportedEvent[]> {
  const stream = await server.runtime.events.streamEvents(siteId, 0, everMs);
  const rows: ExportedEvent[] = [];
  for await (const batch of stream.batches) rows.push(...batch);
  return rows;
}

/**
 * Waits (bounded) until the site has `count` stored events, then returns them. In scale-out mode
 * the spool ships to ClickHouse in the background, so a 202 is stored a moment later; the embedded
 * store has them at once. Returns what is there at the deadline, for the caller to assert on.
 */
export async function settledRows(
  server: TestServer,
  siteId: string,
  count: number,
): Promise<ExportedEvent[]> {
  let rows = await storedRows(server, siteId);
  for (let i = 0; i < 200 && rows.length < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    rows = await storedRows(server, siteId);
  }
  return rows;
}
