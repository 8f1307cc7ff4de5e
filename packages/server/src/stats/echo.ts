/** The query as the engine understood it, in Plausible v2 wire shape (`query` in every answer). */
import { localParts, offsetAt } from './date-range.ts';
import type { Filter, OrderBy, ResolvedRange, StatsQuery, StatsQueryEcho } from './types.ts';

export function filterToWire(filter: Filter): unknown {
  switch (filter.op) {
    case 'and':
    case 'or':
      return [filter.op, filter.filters.map(filterToWire)];
    case 'not':
    case 'has_done':
    case 'has_not_done':
      return [filter.op, filterToWire(filter.filter)];
    default:
      return filter.caseSensitive === false
        ? [filter.op, filter.dimension, [...filter.values], { case_sensitive: false }]
        : [filter.op, filter.dimension, [...filter.values]];
  }
}

/** `2026-03-29T00:00:00+01:00`: an instant as wall-clock time in the zone, with its offset. */
export function isoInZone(ms: number, timezone: string): string {
  const p = localParts(ms, timezone);
  const offsetMinutes = Math.round(offsetAt(ms, timezone) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}:${two(p.second)}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** The ordering the engine applies when the query gives none. */
export function effectiveOrder(query: StatsQuery): OrderBy[] {
  if (query.orderBy.length > 0) return [...query.orderBy];
  const order: OrderBy[] = query.dimensions
    .filter((d) => d.startsWith('time:'))
    .map((d) => ({ key: d, direction: 'asc' as const }));
  const first = query.metrics.find((m) => m !== 'revenue');
  if (first) order.push({ key: first, direction: 'desc' });
  return order;
}

export function queryEcho(
  query: StatsQuery,
  range: ResolvedRange,
  timezone: string,
  offset: number,
): StatsQueryEcho {
  return {
    site_id: query.siteId,
    date_range: [isoInZone(range.startMs, timezone), isoInZone(range.endMs - 1000, timezone)],
    metrics: [...query.metrics],
    dimensions: [...query.dimensions],
    filters: query.filters.map(filterToWire),
    order_by: effectiveOrder(query).map((o) => [o.key, o.direction] as const),
    pagination: { limit: query.limit, offset },
    include: query.compare ? { comparisons: { mode: query.compare } } : {},
  };
}
