import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { Clock } from '../clock.ts';
import { ApiError, errorRegistry, type FieldError } from '../errors.ts';
import type { Logger } from '../log.ts';

/** `{"success":true,"data":…,"timestamp":…}`: every successful REST API answer. */
export interface SuccessEnvelope<T> {
  success: true;
  data: T;
  timestamp: string;
}

export function success<T>(data: T, clock: Clock): SuccessEnvelope<T> {
  return { success: true, data, timestamp: new Date(clock.now()).toISOString() };
}

export function failureBody(error: ApiError) {
  const body: { code: string; message: string; fields?: FieldError[] } = {
    code: error.code,
    message: errorRegistry[error.code].message,
  };
  if (error.fields && error.fields.length > 0) body.fields = [...error.fields];
  return { success: false as const, error: body };
}

export function sendFailure(reply: FastifyReply, error: ApiError): FastifyReply {
  if (error.headers) reply.headers(error.headers);
  return reply.code(error.status).type('application/json; charset=utf-8').send(failureBody(error));
}

/** Refusals about the body itself; the REST API reports them as a validation error of `body`. */
const bodyCodes = new Set(['INVALID_JSON', 'NOT_AN_OBJECT']);

/**
 * For the REST API's Fastify context: every refusal leaves in the `{"success":false,…}` envelope.
 * Schema failures become VALIDATION_ERROR with one entry per offending field; unknown errors become
 * INTERNAL_ERROR with only their message in the log.
 */
export function installEnvelopeErrors(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((raw: FastifyError | ApiError, request, reply) => {
    let error: ApiError;
    if (raw instanceof ApiError) {
      error = bodyCodes.has(raw.code)
        ? new ApiError('VALIDATION_ERROR', [{ field: 'body', reason: errorRegistry[raw.code].message }])
        : raw;
    } else if (raw.validation) {
      error = new ApiError('VALIDATION_ERROR', validationFields(raw));
    } else if (raw.statusCode === 413) error = new ApiError('PAYLOAD_TOO_LARGE');
    else if (raw.statusCode === 415) error = new ApiError('UNSUPPORTED_MEDIA_TYPE');
    else if (raw.statusCode !== undefined && raw.statusCode >= 400 && raw.statusCode < 500) {
      error = new ApiError('VALIDATION_ERROR', [{ field: 'body', reason: 'The request could not be read.' }]);
    } else {
      log.error('api request failed', {
        error: raw.message,
        route: request.routeOptions.url,
        requestId: reply.getHeader('x-request-id'),
      });
      error = new ApiError('INTERNAL_ERROR');
    }
    return sendFailure(reply, error);
  });
  app.setNotFoundHandler((_request, reply) => sendFailure(reply, new ApiError('NOT_FOUND')));
}

function validationFields(error: FastifyError): FieldError[] {
  const context = error.validationContext ?? 'request';
  return (error.validation ?? []).map((item) => {
    const missing = (item.params as { missingProperty?: string } | undefined)?.missingProperty;
    const path = [item.instancePath.replace(/^\//, '').replace(/\//g, '.'), missing]
      .filter((part) => part !== undefined && part !== '')
      .join('.');
    return { field: path === '' ? context : path, reason: item.message ?? 'is invalid' };
  });
}
