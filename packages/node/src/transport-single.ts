import { type RateRule, RequestBudget } from './budget.js';
import { type EventBlock, renderEvent } from './event-block.js';

import { fetchPoster } from './http.js';
import { nodeHttpPoster } from './node-http.js';
import { classifyAnswer, type SendResult } from './outcome.js';
import type { Transport } from './transport.js';

export interface SingleTransportOptions {
  readonly host: string;
  readonly trackingCode: string;
  readonly concurrency: number;
  readonly rateLimit: readonly RateRule[] | false;
  readonly requestTimeoutMs: number;
  /** Use this `fetch` instead of node:http (e.g. one with a proxy agent). */
  readonly fetch: typeof fetch | undefined;
  readonly now: () => number;
}

/**
 * One event per request to the public `POST /e/{trackingCode}`, within a client-side budget that
 * mirrors the server's per-IP limits: a busy backend waits for budget rather than collecting 429s.
 */
export function createSingleTransport(options: SingleTransportOptions): Transport {
  const url = `${options.host}/e/${encodeURIComponent(options.trackingCode)}`;
  const budget = options.rateLimit === false ? null : new RequestBudget(options.rateLimit);
  const post = options.fetch ? fetchPoster(options.fetch, url) : nodeHttpPoster(url);
  return {
    maxEvents: 1,
    maxBytes: Number.POSITIVE_INFINITY,
    lingerMs: 0,
    concurrency: options.concurrency,
    waitMs: (nowMs) => (budget ? budget.waitMs(nowMs) : 0),
    reserve: () => budget?.reserve(),
    release: (nowMs) => budget?.release(nowMs),
    async send(block: EventBlock, members: readonly number[], cancel: AbortSignal): Promise<SendResult> {
      const answer = await post(renderEvent(block, members[0]!), {}, options.requestTimeoutMs, cancel);
      return { type: 'all', outcome: classifyAnswer(answer, options.now()) };
    },
  };
}
