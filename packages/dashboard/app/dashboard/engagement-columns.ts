import type { ViewState } from './url-state.ts';

/**
 * Time on page and scroll depth (heartbeats from z.engagement.js, docs/engagement.md) in the top
 * pages list. The server answers them for filters on the page, its host, the event name and visit
 * dimensions; with any other filter (a property) the columns are left out rather than refused.
 */
export const engagementColumns = ['time_on_page', 'scroll_depth'];

export function engagementColumnsFor(state: Pick<ViewState, 'filters'>): string[] {
  const readable = state.filters.every(
    (filter) =>
      filter.dimension === 'event:page' ||
      filter.dimension === 'event:hostname' ||
      filter.dimension === 'event:name' ||
      filter.dimension.startsWith('visit:'),
  );
  return readable ? engagementColumns : [];
}
