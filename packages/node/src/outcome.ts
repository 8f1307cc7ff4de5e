import { parseRetryAfter } from './retry-after.js';
import type { FieldError } from './types.js';

/** What became of one event after one send. */
export type Outcome =
  | { readonly type: 'stored'; readonly status: number; readonly duplicate: boolean }
  | {
      readonly type: 'refused';
      readonly status: number;
      readonly code: string;
      readonly message: string;
      /** The server's list of offending fields, passed to the caller unchanged. */
      readonly fields?: readonly FieldError[];
    }
  | {
      readonly type: 'retry';
      readonly status: number;
      readonly code: string;
      readonly message: string;
      /** From `Retry-After`, when the server gave one. */
      readonly retryAfterMs: number | null;
    };

/** What became of one request: one outcome for all its events, one per event, or "split me". */
export type SendResult =
  | { readonly type: 'all'; readonly outcome: Outcome }
  | { readonly type: 'each'; readonly outcomes: readonly Outcome[] }
  | { readonly type: 'split' };

/** An HTTP answer, or the failure to get one. */
export type HttpAnswer =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly body: unknown;
      readonly retryAfter: string | null;
    }
  | { readonly kind: 'failure'; readonly code: 'NETWORK_ERROR' | 'TIMEOUT'; readonly message: string };

/** Statuses worth another try: the request may succeed later. Every other 4xx will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Classifies an answer about one event (the public endpoint, or a whole failed batch). */
export function classifyAnswer(answer: HttpAnswer, nowMs: number): Outcome {
  if (answer.kind === 'failure') {
    return { type: 'retry', status: 0, code: answer.code, message: answer.message, retryAfterMs: null };
  }
  const { status } = answer;
  if (status >= 200 && status < 300) {
    return { type: 'stored', status, duplicate: readDuplicate(answer.body) };
  }
  const { code, message, fields } = readError(answer.body, status);
  if (isRetryableStatus(status)) {
    return { type: 'retry', status, code, message, retryAfterMs: parseRetryAfter(answer.retryAfter, nowMs) };
  }
  return fields
    ? { type: 'refused', status, code, message, fields }
    : { type: 'refused', status, code, message };
}

function readDuplicate(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { duplicate?: unknown }).duplicate === true;
}

/** The server's `{"error":{"code","message","fields"?}}`, or a code made from the status. */
export function readError(
  body: unknown,
  status: number,
): { code: string; message: string; fields?: readonly FieldError[] } {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error === 'object' && error !== null) {
    const { code, message, fields } = error as { code?: unknown; message?: unknown; fields?: unknown };
    if (typeof code === 'string') {
      const text = typeof message === 'string' ? message : `HTTP ${status}`;
      const list = readFields(fields);
      return list ? { code, message: text, fields: list } : { code, message: text };
    }
  }
  return { code: `HTTP_${status}`, message: `The server answered HTTP ${status}.` };
}

/** The server's `fields` list, as it sent it, when it is one (`[{field, reason}]`). */
export function readFields(value: unknown): readonly FieldError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const valid = value.every(
    (item) =>
      typeof item === 'object' &&
      item !== null &&
      typeof (item as FieldError).field === 'string' &&
      typeof (item as FieldError).reason === 'string',
  );
  return valid ? (value as FieldError[]) : undefined;
}
