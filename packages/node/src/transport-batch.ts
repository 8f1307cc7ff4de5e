import { batchBytes, type EventBlock, renderBatch } from './event-block.js';

import { fetchPoster } from './http.js';
import { nodeHttpPoster } from './node-http.js';
import { classifyAnswer, type Outcome, readFields, type SendResult } from './outcome.js';
import type { Transport } from './transport.js';

export interface BatchTransportOptions {
  readonly host: string;
  readonly trackingCode: string;
  readonly apiKey: string;
  readonly concurrency: number;
  readonly batchSize: number;
  readonly maxBatchBytes: number;
  readonly flushIntervalMs: number;
  readonly requestTimeoutMs: number;
  /** Use this `fetch` instead of node:http (e.g. one with a proxy agent). */
  readonly fetch: typeof fetch | undefined;
  readonly now: () => number;
}

/** Per-event codes that say "not stored this time, try again" rather than "never". */
const retryableEventCodes = new Set(['SERVER_BUSY', 'STORE_UNAVAILABLE', 'INTERNAL_ERROR']);

/** Batches to the authenticated `POST /api/v1/events`; one bad event never sinks the others. */
export function createBatchTransport(options: BatchTransportOptions): Transport {
  const url = `${options.host}/api/v1/events`;
  const head = `{"tracking_code":${JSON.stringify(options.trackingCode)},"events":[`;
  const headers = { authorization: `Bearer ${options.apiKey}` };
  const post = options.fetch ? fetchPoster(options.fetch, url) : nodeHttpPoster(url);
  // Request bodies are reused once a request is done with them: a fresh buffer per batch is
  // referenced by long-lived socket objects, survives young-generation GCs, and piles up outside
  // the heap until a full GC while a large backlog drains.
  const spare: Buffer[] = [];
  const keep = (buffer: Buffer) => {
    if (spare.length <= options.concurrency) spare.push(buffer);
  };
  return {
    maxEvents: options.batchSize,
    maxBytes: options.maxBatchBytes - head.length - 2,
    lingerMs: options.flushIntervalMs,
    concurrency: options.concurrency,
    waitMs: () => 0,
    reserve: () => undefined,
    release: () => undefined,
    async send(block: EventBlock, members: readonly number[], cancel: AbortSignal): Promise<SendResult> {
      // Events were serialised when tracked; a batch is their bytes joined, not re-encoded.
      const size = batchBytes(head, block, members, ']}');
      let buffer = spare.pop();
      if (buffer === undefined || buffer.length < size)
        buffer = Buffer.allocUnsafeSlow(Math.max(size, 32 * 1024));
      const body = renderBatch(head, block, members, ']}', buffer.subarray(0, size));
      const reuse = buffer;
      const answer = await post(body, headers, options.requestTimeoutMs, cancel, () => keep(reuse));
      if (answer.kind === 'response' && answer.status === 413) return { type: 'split' };
      const whole = classifyAnswer(answer, options.now());
      if (whole.type !== 'stored' || answer.kind !== 'response') return { type: 'all', outcome: whole };
      const results = (answer.body as { results?: unknown } | null)?.results;
      if (!Array.isArray(results)) {
        const message = 'the batch answer has no results list';
        return {
          type: 'all',
          outcome: {
            type: 'retry',
            status: answer.status,
            code: 'BAD_RESPONSE',
            message,
            retryAfterMs: null,
          },
        };
      }
      return { type: 'each', outcomes: results.map((item) => perEvent(item, answer.status)) };
    },
  };
}

function perEvent(item: unknown, httpStatus: number): Outcome {
  const result = (typeof item === 'object' && item !== null ? item : {}) as {
    ok?: unknown;
    code?: unknown;
    duplicate?: unknown;
    status?: unknown;
    message?: unknown;
    fields?: unknown;
  };
  const status = typeof result.status === 'number' ? result.status : httpStatus;
  if (result.ok === true) return { type: 'stored', status, duplicate: result.duplicate === true };
  const code = typeof result.code === 'string' ? result.code : 'BAD_RESPONSE';
  const message = typeof result.message === 'string' ? result.message : `refused with ${code}`;
  if (retryableEventCodes.has(code) || code === 'BAD_RESPONSE') {
    return { type: 'retry', status, code, message, retryAfterMs: null };
  }
  const fields = readFields(result.fields);
  return fields
    ? { type: 'refused', status, code, message, fields }
    : { type: 'refused', status, code, message };
}
