import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, type ErrorCode } from '../errors.ts';
import type { Logger } from '../log.ts';
import { sendApiError } from './reply-error.ts';

/** Fastify's own refusals, mapped onto our registry so every response has one shape. */
const frameworkCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
};

export type RefusalHook = (request: FastifyRequest, code: ErrorCode) => void;

/**
 * Every error leaves as `{"error":{code,message,fields?}}`. Unknown errors become INTERNAL_ERROR
 * with nothing of their text in the body; their message (never a request) goes to the log.
 */
export function installErrorHandlers(app: FastifyInstance, log: Logger, onRefusal: RefusalHook): void {
  app.setErrorHandler((rawError: FastifyError | ApiError, request, reply) => {
    let error: ApiError;
    if (rawError instanceof ApiError) error = rawError;
    else if (rawError.code && frameworkCodes[rawError.code])
      error = new ApiError(frameworkCodes[rawError.code]!);
    else if (rawError.statusCode === 413) error = new ApiError('PAYLOAD_TOO_LARGE');
    else if (rawError.statusCode === 415) error = new ApiError('UNSUPPORTED_MEDIA_TYPE');
    else if (rawError.statusCode !== undefined && rawError.statusCode >= 400 && rawError.statusCode < 500) {
      error = new ApiError('INVALID_JSON');
    } else {
      log.error('unhandled error', { error: rawError.message, route: request.routeOptions.url });
      error = new ApiError('INTERNAL_ERROR');
    }
    onRefusal(request, error.code);
    return sendApiError(reply, error);
  });
  app.setNotFoundHandler((_request, reply) => sendApiError(reply, new ApiError('NOT_FOUND')));
}
