import { EventWriter } from '../../../packages/server/src/writer/event-writer.ts';
const W = EventWriter.prototype as any;
const commit = W.commit;
let batches = 0, events = 0; const sizes: number[] = [];
W.commit = function (this: any, batch: unknown[]) { batches++; events += batch.length; sizes.push(batch.length); return commit.call(this, batch); };
if (process.env.AB_GATHER) { const start = EventWriter.start; (EventWriter as any).start = (o: any) => start.call(EventWriter, { ...o, gatherMs: Number(process.env.AB_GATHER) }); }
process.on('exit', () => { sizes.sort((a, b) => a - b); process.stderr.write(`batches ${batches} events ${events} mean ${(events / batches).toFixed(1)} p50 ${sizes[sizes.length >> 1]} p90 ${sizes[Math.floor(sizes.length * 0.9)]}\n`); });
await import('../../../packages/server/src/main.ts');
