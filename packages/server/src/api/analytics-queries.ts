import type { Clock } from '../clock.ts';
import { engagementMetrics } from '../stats/engagement.ts';
import {
  type DatePreset,
  overviewQueries,
  type StatsEngine,
  type StatsQuery,
  type StatsResponse,
} from '../stats/index.ts';
import type { Site } from '../store/types.ts';

/** The engine label for rows whose dimension is empty (unknown country, no referrer…). */
const noneLabel = '(none)';

/** Runs one of the dashboard's named queries for a site, as of the injected clock's now. */
export class SiteAnalytics {
  private readonly queries: ReturnType<typeof overviewQueries>;

  constructor(
    private readonly engine: StatsEngine,
    private readonly clock: Clock,
    private readonly site: Site,
    range: DatePreset,
    limit = 10,
  ) {
    this.queries = overviewQueries(site.id, { kind: 'preset', preset: range }, [], {
      panelLimit: limit,
      compare: false,
    });
  }

  run(name: keyof ReturnType<typeof overviewQueries>): Promise<StatsResponse> {
    return this.engine.query(this.queries[name], this.site, this.clock.now());
  }

  /** A breakdown as `[{<label>: value, visitors: n, …}]`, in the engine's order (visitors desc). */
  async breakdown<K extends string>(
    name: 'pages' | 'countries' | 'browsers' | 'operating_systems' | 'devices',
    label: K,
  ): Promise<Array<Record<K, string> & Record<string, number | string | null>>> {
    const query: StatsQuery = this.queries[name];
    const response = await this.run(name);
    return response.results.map((row) => {
      const item: Record<string, number | string | null> = { [label]: row.dimensions[0] ?? noneLabel };
      query.metrics.forEach((metric, index) => {
        const value = row.metrics[index];
        // Time on page and scroll depth are null for a page without heartbeats: unknown, not 0.
        item[metric] = value === null && engagementMetrics.includes(metric) ? null : Number(value ?? 0);
      });
      return item as Record<K, string> & Record<string, number | string | null>;
    });
  }
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** `{country_code, country_name}` for an ISO 3166 alpha-2 code; unknown rows become "Unknown". */
export function countryJson(code: string): { country_code: string; country_name: string } {
  if (code === noneLabel || code === '') return { country_code: '', country_name: 'Unknown' };
  try {
    return { country_code: code, country_name: regionNames.of(code.toUpperCase()) ?? code };
  } catch {
    return { country_code: code, country_name: code };
  }
}
