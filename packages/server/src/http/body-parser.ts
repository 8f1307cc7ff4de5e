import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';
import { declaresUtf8 } from './charset.ts';

/**
 * Event bodies arrive as `application/json`, or as `text/plain` from browsers that send beacons
 * that way to avoid a CORS preflight; both hold JSON. Plain `JSON.parse` is used on purpose: it
 * makes `__proto__` an ordinary own key (no prototype is touched), and the validator reads only
 * own keys. The body is decoded as UTF-8, so any other declared charset is refused rather than
 * misread (an absent charset means UTF-8).
 */
export function registerJsonBodyParser(app: FastifyInstance, maxBodyBytes: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'string', bodyLimit: maxBodyBytes },
    (request, body, done) => {
      if (!declaresUtf8(request.headers['content-type'])) {
        done(new ApiError('UNSUPPORTED_MEDIA_TYPE'), undefined);
        return;
      }
      try {
        done(null, parseEventJson(body as string));
      } catch (error) {
        done(error as ApiError, undefined);
      }
    },
  );
}

/** The body's JSON, or INVALID_JSON (shared with the node:http fast path, http/ingest-fast-path.ts). */
export function parseEventJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('INVALID_JSON');
  }
}
