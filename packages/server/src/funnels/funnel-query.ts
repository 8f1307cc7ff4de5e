/**
 * The funnel query's body (`POST /api/external/v1/stats/funnel`, and the dashboard's own route):
 *   {site_id, date_range, filters?, funnel_id | steps (+ window, order), breakdown?}
 * The site, range and filters are read by the stats query parser itself, so they mean and refuse
 * exactly what they do in `/stats/query`; the steps by the funnel input reader, naming the step.
 */
import { ApiError, type FieldError } from '../errors.ts';
import type { GoalStore } from '../goals/types.ts';
import { parseStatsQuery } from '../stats/parse.ts';
import type { Site } from '../store/types.ts';
import { type FunnelBreakdown, type FunnelQuery, funnelBreakdowns } from './funnel-engine.ts';
import { readFunnelDefinition } from './funnel-input.ts';
import type { FunnelStore } from './types.ts';

const fieldsOf = ['site_id', 'date_range', 'filters', 'funnel_id', 'steps', 'window', 'order', 'breakdown'];

export interface FunnelQueryDeps {
  readonly funnels: FunnelStore;
  readonly goals: GoalStore;
}

/**
 * The query and its site, or an ApiError: VALIDATION_ERROR with every problem at once, NOT_FOUND
 * for a site the caller cannot see (as `/stats/query`) or a saved funnel it does not have.
 */
export async function readFunnelQuery(
  body: unknown,
  sites: readonly Site[],
  deps: FunnelQueryDeps,
): Promise<{ query: FunnelQuery; site: Site }> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError('VALIDATION_ERROR', [{ field: 'body', reason: 'the query must be a JSON object' }]);
  }
  const record = body as Record<string, unknown>;
  const fields: FieldError[] = [];
  const fail = (field: string, reason: string) => fields.push({ field, reason });
  for (const key of Object.keys(record)) {
    if (!fieldsOf.includes(key))
      fail(key.slice(0, 100), `is not a funnel query field (${fieldsOf.join(', ')})`);
  }
  const parsed = await parseStatsQuery(
    {
      site_id: record.site_id,
      date_range: record.date_range,
      metrics: ['visitors'],
      ...(record.filters !== undefined ? { filters: record.filters } : {}),
    },
    (id) => sites.find((site) => site.id === id),
  );
  if (!parsed.ok && parsed.unknownSite) throw new ApiError('NOT_FOUND');
  if (!parsed.ok) fields.push(...parsed.errors);
  const breakdown = readBreakdown(record.breakdown, fail);
  const site = parsed.ok ? parsed.site : null;
  let definition = null;
  let saved: { id: string; name: string } | null = null;
  if (record.funnel_id !== undefined) {
    for (const key of ['steps', 'window', 'order']) {
      if (record[key] !== undefined) fail(key, 'give either funnel_id (a saved funnel) or steps, not both');
    }
    if (typeof record.funnel_id !== 'string' || record.funnel_id === '')
      fail('funnel_id', 'must be a saved funnel id (f_…)');
    else if (site) {
      const funnel = (await deps.funnels.listFunnels(site.id)).find((item) => item.id === record.funnel_id);
      if (!funnel)
        throw new ApiError('NOT_FOUND', [
          { field: 'funnel_id', reason: 'this site has no funnel with that id' },
        ]);
      definition = funnel;
      saved = { id: funnel.id, name: funnel.name };
    }
  } else if (record.steps === undefined) {
    fail('steps', 'required: the funnel steps (or funnel_id for a saved funnel)');
  } else {
    definition = readFunnelDefinition(record, site ? await deps.goals.listGoals(site.id) : [], fail);
  }
  if (fields.length > 0 || !parsed.ok || definition === null) throw new ApiError('VALIDATION_ERROR', fields);
  return {
    site: parsed.site,
    query: {
      siteId: parsed.site.id,
      dateRange: parsed.query.dateRange,
      filters: parsed.query.filters,
      definition: { steps: definition.steps, windowMs: definition.windowMs, order: definition.order },
      funnel: saved,
      breakdown,
    },
  };
}

function readBreakdown(
  value: unknown,
  fail: (field: string, reason: string) => void,
): FunnelBreakdown | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && (funnelBreakdowns as readonly string[]).includes(value)) {
    return value as FunnelBreakdown;
  }
  fail('breakdown', `must be one visit dimension: ${funnelBreakdowns.join(', ')}`);
  return null;
}
