import { DuckDBInstance } from '@duckdb/node-api';
const i = await DuckDBInstance.create(':memory:'); const a = await i.connect(); const b = await i.connect();
for (const s of ["SET SESSION threads=1", "SET SESSION preserve_insertion_order=false"]) { try { await a.run(s); console.log('ok', s); } catch (e) { console.log('err', s, String(e)); } }
console.log((await b.runAndReadAll("SELECT current_setting('threads') t")).getRowObjectsJS());
console.log((await a.runAndReadAll("SELECT current_setting('threads') t")).getRowObjectsJS());
