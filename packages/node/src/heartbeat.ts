import { type BackoffOptions, backoffDelay } from './backoff.js';
import { fetchPoster } from './http.js';
import { nodeHttpPoster, type Poster } from './node-http.js';
import { parseRetryAfter } from './retry-after.js';
import type { FieldError, ServerDefaults, Timing } from './types.js';

/**
 * A pageview's engagement so far (`POST /e/heartbeat/{trackingCode}`, docs/engagement.md), e.g.
 * from a server-rendered reader app that knows how long a page stayed open. Values are cumulative
 * for the pageview: send the total so far each time, never a delta. The server keeps the largest
 * it has seen, so a resend (or a retry) changes nothing. Heartbeats are not events: they add no
 * pageview and do not change bounce; they extend the visit's duration and feed time on page and
 * scroll depth of the pageview with the same `sessionId` and `pageviewId`.
 */
export interface HeartbeatOptions {
  /** The page's URL, as its pageview was tracked. */
  url: string;
  /** The pageview's visit, as sent with it (8–256 characters). */
  sessionId: string;
  /** Your id of this pageview (1–128 characters): one per page load, the same for all its heartbeats. */
  pageviewId: string;
  /** Engaged time of the pageview so far, in ms (a whole number from 0 to 86,400,000). */
  engagedMs: number;
  /** Deepest scroll so far, in percent (a whole number from 0 to 100). */
  scrollDepth?: number;
  visitorId?: string;
  userId?: string;
  /** The end user's agent; default `defaults.user_agent`. */
  userAgent?: string;
}

export interface HeartbeatResult {
  /** True when the server acknowledged it (it is in the server's durable log). */
  readonly ok: boolean;
  /** HTTP status of the final answer; 0 when none came or nothing was sent. */
  readonly status: number;
  readonly code?: string;
  /** With `VALIDATION_ERROR`: the offending fields, from the server or found before sending. */
  readonly fields?: readonly FieldError[];
}

/** The server's caps (packages/server/src/ingest/heartbeat-validate.ts), checked before sending. */
export function checkHeartbeat(options: HeartbeatOptions): FieldError[] {
  const fields: FieldError[] = [];
  const fail = (field: string, reason: string) => fields.push({ field, reason });
  const text = (value: unknown, field: string, min: number, max: number, required: boolean) => {
    if (value === undefined || value === null) {
      if (required) fail(field, 'is required');
    } else if (typeof value !== 'string') fail(field, 'must be a string');
    else if (required && value.trim() === '') fail(field, 'must not be empty');
    else if (value.length > max) fail(field, `must be at most ${max} characters`);
    else if (value.length < min) fail(field, `must be at least ${min} characters`);
    else if (value.includes('\u0000')) fail(field, 'must not contain NUL characters');
  };
  const whole = (value: unknown, field: string, max: number, required: boolean) => {
    if (value === undefined || value === null) {
      if (required) fail(field, 'is required');
    } else if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
      fail(field, `must be a whole number from 0 to ${max}`);
    }
  };
  text(options.sessionId, 'session_id', 8, 256, true);
  text(options.pageviewId, 'pageview_id', 1, 128, true);
  text(options.visitorId, 'visitor_id', 8, 256, false);
  text(options.userId, 'user_id', 1, 256, false);
  text(options.userAgent, 'user_agent', 1, 1_024, false);
  whole(options.engagedMs, 'engaged_ms', 86_400_000, true);
  whole(options.scrollDepth, 'scroll_depth', 100, false);
  if (typeof options.url !== 'string' || options.url === '') fail('url', 'is required');
  else if (options.url.length > 2_048) fail('url', 'must be at most 2048 characters');
  else if (!/^https?:\/\/[^/]/i.test(options.url) || !parses(options.url)) {
    fail('url', 'must be an absolute URL such as https://example.com/page');
  }
  return fields;
}

/** `URL.canParse` is newer than the Node releases this SDK supports. */
function parses(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

export interface HeartbeatSenderOptions {
  readonly host: string;
  readonly trackingCode: string;
  readonly defaults: ServerDefaults;
  readonly requestTimeoutMs: number;
  readonly backoff: BackoffOptions;
  readonly maxRetryAfterMs: number;
  readonly fetch: typeof fetch | undefined;
  readonly timing: Timing;
  /** Tries per heartbeat (a heartbeat is soon replaced by the next one: a few are enough). */
  readonly attempts?: number;
}

/** Sends heartbeats one request each; resolves with the outcome, never rejects. */
export function createHeartbeatSender(options: HeartbeatSenderOptions) {
  const url = `${options.host}/e/heartbeat/${encodeURIComponent(options.trackingCode)}`;
  const post: Poster = options.fetch ? fetchPoster(options.fetch, url) : nodeHttpPoster(url);
  const attempts = options.attempts ?? 3;
  const never = new AbortController().signal;
  return async function heartbeat(beat: HeartbeatOptions): Promise<HeartbeatResult> {
    try {
      const invalid = checkHeartbeat(beat);
      if (invalid.length > 0) return { ok: false, status: 0, code: 'VALIDATION_ERROR', fields: invalid };
      const { device_type, browser, os, user_agent } = options.defaults;
      const body = JSON.stringify({
        url: beat.url,
        session_id: beat.sessionId,
        pageview_id: beat.pageviewId,
        engaged_ms: beat.engagedMs,
        scroll_depth: beat.scrollDepth,
        visitor_id: beat.visitorId,
        user_id: beat.userId,
        device_type,
        browser,
        os,
        user_agent: beat.userAgent ?? user_agent,
      });
      let last: HeartbeatResult = { ok: false, status: 0, code: 'NETWORK_ERROR' };
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const answer = await post(body, {}, options.requestTimeoutMs, never);
        let waitMs = backoffDelay(attempt, options.backoff);
        if (answer.kind === 'failure') last = { ok: false, status: 0, code: answer.code };
        else {
          const error = (answer.body as { error?: { code?: string; fields?: FieldError[] } } | null)?.error;
          if (answer.status >= 200 && answer.status < 300) return { ok: true, status: answer.status };
          last = {
            ok: false,
            status: answer.status,
            code: error?.code ?? `HTTP_${answer.status}`,
            ...(error?.fields ? { fields: error.fields } : {}),
          };
          // Only a busy or limiting server is worth asking again; a refusal stays a refusal.
          if (answer.status !== 429 && answer.status !== 503 && answer.status < 500) return last;
          const retryAfter = parseRetryAfter(answer.retryAfter, options.timing.now());
          if (retryAfter !== null) waitMs = Math.min(retryAfter, options.maxRetryAfterMs);
        }
        if (attempt < attempts) await options.timing.sleep(waitMs, never);
      }
      return last;
    } catch (error) {
      return { ok: false, status: 0, code: 'INVALID_EVENT', fields: [{ field: '', reason: String(error) }] };
    }
  };
}
