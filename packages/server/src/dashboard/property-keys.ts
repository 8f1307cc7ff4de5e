import type { ResolvedRange } from '../stats/index.ts';
import type { EventReader } from '../store/event-reader.ts';

/** At most this many keys are offered for one event (the most used first). */
const maxKeys = 25;

/**
 * The property keys one custom event carried in a range, most used first: the tabs of the
 * events drill-down. Only names are listed here; every number shown for them comes from the stats
 * engine (`event:props:<key>` breakdowns).
 */
export function propertyKeys(
  events: EventReader,
  siteId: string,
  eventName: string,
  range: ResolvedRange,
): Promise<string[]> {
  return events.propertyKeys(siteId, eventName, range.startMs, range.endMs, maxKeys);
}
