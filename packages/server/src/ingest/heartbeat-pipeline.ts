import { ApiError } from '../errors.ts';
import type { Site } from '../store/types.ts';
import { type BotClassifier, botRefusalMessage } from './bot-filter.ts';
import { boundedMemo } from './bounded-cache.ts';
import type { HeartbeatRow } from './heartbeat-types.ts';
import { validateHeartbeat } from './heartbeat-validate.ts';
import { asApiError, type PipelineDeps } from './pipeline.ts';
import { serverAssignedSessionId, serverVisitPrefix, type VisitResolver } from './server-session.ts';
import { identifiedVisitor, visitorHash } from './visitor-id.ts';

/** The pipeline's dependencies, with the visit resolver the event pipeline uses (the same instance). */
export interface HeartbeatPipelineDeps extends Omit<PipelineDeps, 'sessions'> {
  readonly sessions: VisitResolver;
}

/**
 * The steps of a heartbeat once its site is known and its own budget allowed it: validate -> bot
 * filter -> the visit of its pageview -> the append log (through the writer's group commit, so a
 * heartbeat acknowledged is fsync'd). The visitor and visit are derived exactly as for events
 * (enrich.ts, pipeline.ts): the same daily hash of salt, site, address and user agent, and the same
 * resolver for `zv:auto-session`, whose 30-minute rule a reading visitor thereby keeps open.
 */
export function createHeartbeatPipeline(deps: HeartbeatPipelineDeps) {
  const sessions = deps.sessions;
  const isBot = boundedMemo<ReturnType<BotClassifier>>(1_024, deps.isBot);
  return async function processHeartbeat(
    site: Site,
    body: Record<string, unknown>,
    clientIp: string,
  ): Promise<void> {
    try {
      const checked = validateHeartbeat(body);
      if (!checked.ok) throw new ApiError('VALIDATION_ERROR', checked.fields);
      const beat = checked.heartbeat;
      const bot = isBot(beat.userAgent);
      if (bot) throw new ApiError('BOT_DETECTED', undefined, undefined, botRefusalMessage(bot));
      const nowMs = deps.clock.now();
      let visitorId =
        beat.userId !== null
          ? identifiedVisitor(site.id, beat.userId)
          : (beat.visitorId ?? visitorHash(await deps.salts.current(), site.id, clientIp, beat.userAgent));
      let sessionId = beat.sessionId;
      const anonymous = beat.userId === null && beat.visitorId === null;
      if (anonymous && sessionId.startsWith(serverVisitPrefix)) {
        visitorId = sessions.visitorOf?.(site.id, sessionId, nowMs) ?? visitorId;
      }
      if (sessionId === serverAssignedSessionId)
        sessionId = await sessions.resolve(site.id, visitorId, nowMs);
      const row: HeartbeatRow = {
        kind: 'heartbeat',
        ts: nowMs,
        siteId: site.id,
        sessionId,
        visitorId,
        eventId: '',
        hostname: beat.url.hostname,
        pathname: beat.url.pathname || '/',
        pageviewKey: beat.pageviewId,
        engagedMs: beat.engagedMs,
        scrollMax: beat.scrollDepth,
      };
      await deps.writer.write(row);
    } catch (error) {
      const refusal = asApiError(error);
      deps.refusals.count(site.id, refusal.code);
      throw refusal;
    }
  };
}

export type ProcessHeartbeat = ReturnType<typeof createHeartbeatPipeline>;
