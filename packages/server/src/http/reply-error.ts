import type { FastifyReply } from 'fastify';
import { type ApiError, errorBody } from '../errors.ts';

/** Sends a refusal in the one error shape: `{"error":{"code","message","fields"?}}`. */
export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  if (error.headers) reply.headers(error.headers);
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send(errorBody(error.code, error.fields, error.message));
}
