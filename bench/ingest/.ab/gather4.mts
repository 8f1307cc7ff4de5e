import { EventWriter } from '../../../packages/server/src/writer/event-writer.ts';
const start = EventWriter.start;
(EventWriter as any).start = (options: any) => start.call(EventWriter, { ...options, gatherMs: 4 });
await import('../../../packages/server/src/main.ts');
