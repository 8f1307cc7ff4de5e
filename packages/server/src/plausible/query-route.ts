/**
 * `POST /api/v2/query`: Plausible's Stats API v2, unwrapped. Authenticated by the same API keys
 * (read permission, per-minute limit and monthly quota) as our `/api/external/v1` API; answered
 * by the same engine.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { visibleSites } from '../api/site-access.ts';
import { presentedApiKey } from '../auth/credentials.ts';
import type { Clock } from '../clock.ts';
import { StatsQueryError } from '../stats/errors.ts';
import type { StatsEngine } from '../stats/stats-engine.ts';
import type { Filter } from '../stats/types.ts';
import type { MetadataStore, Site } from '../store/types.ts';
import { answerPlausible } from './answer.ts';
import { engineRefusal, invalidKeyOrSite, missingKey, PlausibleError } from './errors.ts';
import { parsePlausibleQuery } from './query.ts';
import { show } from './refusal.ts';
import { plausibleRuleViolation } from './rules.ts';

export interface PlausibleQueryDeps {
  readonly clock: Clock;
  readonly metadata: MetadataStore;
  readonly engine: StatsEngine;
  /** The API key guard (auth/api-key-guard.ts) for the read permission. */
  readonly guard: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

/** How DuckDB and ClickHouse say that RE2 could not compile a pattern. */
const regexCompileError =
  /CANNOT_COMPILE_REGEXP|cannot compile re2|invalid (escape sequence|perl operator|character class|repetition|named capture)|missing (\)|\]|argument)/i;

function usesPatterns(filters: readonly Filter[]): boolean {
  return filters.some((filter) => {
    if ('dimension' in filter) return filter.op === 'matches' || filter.op === 'matches_not';
    return 'filter' in filter ? usesPatterns([filter.filter]) : usesPatterns(filter.filters);
  });
}

/** Plausible names a site by its domain; our id is accepted as well. */
function siteNamed(sites: readonly Site[], given: string): Site | undefined {
  return sites.find((site) => site.id === given) ?? sites.find((site) => site.domain === given.toLowerCase());
}

export function registerPlausibleQueryRoute(app: FastifyInstance, deps: PlausibleQueryDeps): void {
  app.post<{ Body: unknown }>(
    '/api/v2/query',
    {
      onRequest: async (request, reply) => {
        if (presentedApiKey(request.headers) === undefined) {
          throw new PlausibleError('UNAUTHORIZED', missingKey, 401, { 'WWW-Authenticate': 'Bearer' });
        }
        await deps.guard(request, reply);
      },
    },
    async (request) => {
      const body = request.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new PlausibleError('NOT_AN_OBJECT', 'Invalid request body: send one JSON object.', 400);
      }
      const fields = body as Record<string, unknown>;
      const siteId = fields.site_id;
      if (typeof siteId !== 'string' || siteId === '') {
        throw new PlausibleError(
          'VALIDATION_ERROR',
          'Missing site ID. Please provide the required site_id parameter with your request.',
          400,
        );
      }
      // A site the key cannot read answers exactly like one that does not exist.
      const site = siteNamed(await visibleSites(deps.metadata, request.zvApiKey!), siteId);
      if (!site) throw new PlausibleError('UNAUTHORIZED', invalidKeyOrSite, 401);
      const nowMs = deps.clock.now();
      const parsed = parsePlausibleQuery(fields, site, nowMs);
      if (!parsed.ok) throw new PlausibleError('VALIDATION_ERROR', parsed.error, 400);
      const violation = plausibleRuleViolation(parsed.query, parsed.extras);
      if (violation) throw new PlausibleError('VALIDATION_ERROR', violation, 400);
      try {
        return await answerPlausible(deps.engine, site, parsed.query, parsed.extras, siteId, nowMs);
      } catch (error) {
        if (error instanceof StatsQueryError) throw engineRefusal(parsed.query, error.fields);
        // Last line of defence: a pattern the validator let through but the engine's RE2 refused.
        if (usesPatterns(parsed.query.filters) && regexCompileError.test(String(error))) {
          throw new PlausibleError(
            'VALIDATION_ERROR',
            `Invalid filters ${show(fields.filters)}: a matches pattern is not RE2 syntax the engine can compile`,
            400,
          );
        }
        throw error;
      }
    },
  );
}
