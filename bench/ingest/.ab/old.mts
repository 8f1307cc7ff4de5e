// A/B experiment entry (temporary): the pre-change writer drain and store commit, then main.ts.
import { EventWriter } from '../../../packages/server/src/writer/event-writer.ts';
import { DuckDbEventStore } from '../../../packages/server/src/store/duckdb/event-store.ts';
const W = EventWriter.prototype as any;
W.drain = async function (this: any) {
  this.writing = true;
  this.idle = new Promise((resolve) => { this.markIdle = resolve; });
  let answerPrevious: () => void = () => undefined;
  try {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      const committing = this.commit(batch);
      answerPrevious();
      answerPrevious = await committing;
    }
  } finally { answerPrevious(); this.writing = false; this.markIdle(); }
};
const S = DuckDbEventStore.prototype as any;
const orig = S.appendNow;
if (process.env.AB_OLD_STORE !== '0') {
  const { toChunkForAb } = await import('./chunk-old.mts');
  S.appendNow = async function (this: any, rows: any[]) {
    await this.writeConnection.run('BEGIN TRANSACTION');
    try {
      const appender = await this.currentAppender();
      appender.appendDataChunk(toChunkForAb(rows));
      appender.flushSync();
      await this.writeConnection.run('COMMIT');
    } catch (error) {
      this.appender = null;
      await this.writeConnection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  };
}
void orig;
await import('../../../packages/server/src/main.ts');
