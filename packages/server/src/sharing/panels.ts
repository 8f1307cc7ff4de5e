import type { Dimension, Filter, FilterDimension, StatsQuery } from '../stats/types.ts';
import { type SharePanel, sharePanels } from './types.ts';

/**
 * Which panel shows a dimension. A link limited to some panels answers only queries whose
 * breakdowns and filters belong to those panels: otherwise a hidden panel's rows could be read
 * by asking the query the panel would have asked, or guessed one filter value at a time.
 * Time buckets belong to the chart, which every link shows.
 */
function panelOf(dimension: Dimension | FilterDimension): SharePanel | null {
  if (dimension.startsWith('time:')) return null;
  if (dimension.startsWith('event:props:')) return 'events';
  switch (dimension) {
    case 'event:page':
    case 'event:hostname':
    case 'visit:entry_page':
    case 'visit:exit_page':
      return 'pages';
    case 'event:goal':
      return 'goals';
    case 'event:name':
      return 'events';
    case 'visit:country':
    case 'visit:region':
    case 'visit:city':
      return 'locations';
    case 'visit:device':
    case 'visit:browser':
    case 'visit:os':
      return 'devices';
    default:
      // visit:source, visit:channel and the UTM dimensions.
      return 'sources';
  }
}

/** Leaf filters of a filter tree, with their dimension and values. */
function* leaves(
  filters: readonly Filter[],
): Generator<{ dimension: FilterDimension; values: readonly string[] }> {
  for (const filter of filters) {
    if ('filters' in filter) yield* leaves(filter.filters);
    else if ('filter' in filter) yield* leaves([filter.filter]);
    else yield { dimension: filter.dimension, values: filter.values };
  }
}

/**
 * The panels a query needs. The pages panel filters its top pages by `event:name is pageview`:
 * naming only the pageview event reveals no custom event, so that filter needs no events panel.
 */
export function panelsNeeded(query: StatsQuery): Set<SharePanel> {
  const needed = new Set<SharePanel>();
  for (const dimension of query.dimensions) {
    const panel = panelOf(dimension);
    if (panel) needed.add(panel);
  }
  for (const leaf of leaves(query.filters)) {
    if (leaf.dimension === 'event:name' && leaf.values.every((value) => value === 'pageview')) continue;
    const panel = panelOf(leaf.dimension);
    if (panel) needed.add(panel);
  }
  return needed;
}

/** The first panel the query needs that the link does not show; null when it may be answered. */
export function missingPanel(query: StatsQuery, shown: readonly SharePanel[] | null): SharePanel | null {
  if (shown === null) return null;
  for (const panel of panelsNeeded(query)) if (!shown.includes(panel)) return panel;
  return null;
}

/** A panel list from a request body: a subset of the known panels, each once, in our order. */
export function parsePanels(value: unknown): readonly SharePanel[] | null | 'invalid' {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.length === 0 || value.length > sharePanels.length) return 'invalid';
  if (!value.every((item) => typeof item === 'string' && (sharePanels as readonly string[]).includes(item)))
    return 'invalid';
  return sharePanels.filter((panel) => value.includes(panel));
}
