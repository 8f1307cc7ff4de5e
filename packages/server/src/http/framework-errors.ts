import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, type ErrorCode, errorBody, errorRegistry } from '../errors.ts';
import { sendApiError } from './reply-error.ts';

/**
 * Refusals that happen before any route runs, in the one error shape. Node's HTTP parser refuses
 * malformed requests (broken framing, control characters, oversized headers) on the raw socket,
 * and Fastify's router refuses URLs it cannot decode; left alone, each answers with a body of its
 * own that no client of ours can read.
 */

/** For Fastify's `clientErrorHandler` option: the parser gave up, so we answer on the socket. */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'HEADERS_TOO_LARGE'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'REQUEST_TIMEOUT'
        : 'MALFORMED_REQUEST';
  const { status } = errorRegistry[code];
  const body = JSON.stringify(errorBody(code));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  // The rest of the stream cannot be parsed; the connection ends here, as Node itself would end it.
  socket.destroy();
}

/** For Fastify's `frameworkErrors` option: URLs the router cannot decode or match. */
export function answerFrameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const code: ErrorCode =
    error.code === 'FST_ERR_BAD_URL'
      ? 'MALFORMED_REQUEST'
      : // A path parameter longer than any id or tracking code we hand out names nothing.
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? 'NOT_FOUND'
        : 'INTERNAL_ERROR';
  void sendApiError(reply, new ApiError(code));
}
