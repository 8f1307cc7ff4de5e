import type { StatsEngine } from '../stats/index.ts';
import type { EventReader } from '../store/event-reader.ts';

/**
 * How long a read waits for the loader to store what was acknowledged before it (the freshness
 * target: an accepted event is in the stats within 2 s). Past it the read answers from what is
 * loaded: a slightly stale answer beats none.
 */
export const freshReadWaitMs = 2_000;

type WaitForLoaded = () => Promise<unknown>;

/** The stats engine, reading only after everything acknowledged so far is loaded (bounded wait). */
export function freshStats(engine: StatsEngine, wait: WaitForLoaded): StatsEngine {
  return {
    query: async (query, site, nowMs) => {
      await wait();
      return engine.query(query, site, nowMs);
    },
    queryMany: async (queries, site, nowMs) => {
      await wait();
      return engine.queryMany(queries, site, nowMs);
    },
  };
}

/** The raw-event reader (live counter, export, visits, usage, property keys), reading after the loader. */
export function freshReader(reader: EventReader, wait: WaitForLoaded): EventReader {
  return {
    liveVisitors: async (...args) => {
      await wait();
      return reader.liveVisitors(...args);
    },
    streamEvents: async (...args) => {
      await wait();
      return reader.streamEvents(...args);
    },
    recentVisits: async (...args) => {
      await wait();
      return reader.recentVisits(...args);
    },
    usage: async (...args) => {
      await wait();
      return reader.usage(...args);
    },
    propertyKeys: async (...args) => {
      await wait();
      return reader.propertyKeys(...args);
    },
  };
}
