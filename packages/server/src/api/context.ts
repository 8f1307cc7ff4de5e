import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { StatsEngine } from '../stats/index.ts';
import type { EventReader } from '../store/event-reader.ts';
import type { MetadataStore } from '../store/types.ts';

/** What the REST API's routes read from; built once when the API is registered. */
export interface ApiRouteContext {
  readonly config: Config;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metadata: MetadataStore;
  /** Raw events (live, export, visits, usage), wherever they live. */
  readonly events: EventReader;
  readonly engine: StatsEngine;
}
