import { DuckDBDataChunk, DuckDBTimestampValue, LIST, listValue, TIMESTAMP, VARCHAR } from '@duckdb/node-api';
const columnTypes = [TIMESTAMP, ...Array.from({ length: 21 }, () => VARCHAR), LIST(VARCHAR), LIST(VARCHAR), VARCHAR];
export function toChunkForAb(rows: any[]) {
  const chunk = DuckDBDataChunk.create(columnTypes, rows.length);
  chunk.setRows(rows.map((row) => [new DuckDBTimestampValue(BigInt(Math.floor(row.ts)) * 1000n), row.siteId, row.eventType, row.eventName, row.hostname, row.pathname, row.query, row.utmSource, row.utmMedium, row.utmCampaign, row.utmTerm, row.utmContent, row.referrer, row.referrerHost, row.sessionId, row.visitorId, row.deviceType, row.browser, row.os, row.country, row.region, row.city, listValue(row.propKeys), listValue(row.propValues), row.eventId]));
  return chunk;
}
