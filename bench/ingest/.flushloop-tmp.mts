import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { DuckDBDataChunk, DuckDBTimestampValue, LIST, listValue, TIMESTAMP, VARCHAR } from '@duckdb/node-api';
import { openDuckDb } from '/work/main/packages/server/src/store/duckdb/open.ts';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zx-'));
const inst = await openDuckDb(dir); const c = await inst.connect();
const types = [TIMESTAMP, ...Array.from({ length: 21 }, () => VARCHAR), LIST(VARCHAR), LIST(VARCHAR), VARCHAR];
const app = await c.createAppender('events');
for (let i = 0; i < 3000; i++) {
  await c.run('BEGIN TRANSACTION');
  const ch = DuckDBDataChunk.create(types as any, 8);
  ch.setRows(Array.from({ length: 8 }, (_, k) => [new DuckDBTimestampValue(BigInt(Date.now()) * 1000n), 's', 'pageview', 'pageview', 'h', `/p/${k}`, '', '', '', '', '', '', '', '', 'sess', 'vis', 'server', 'server', 'Linux', '', '', '', listValue([]), listValue([]), '']) as any);
  app.appendDataChunk(ch); app.flushSync();
  await c.run('COMMIT');
}
app.closeSync(); c.closeSync(); inst.closeSync(); fs.rmSync(dir, { recursive: true });
