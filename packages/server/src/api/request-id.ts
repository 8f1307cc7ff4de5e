import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** A caller's own id is echoed when it is short and plain; anything else could smuggle text into logs. */
const acceptableId = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every response of the app an `x-request-id`: the caller's, when sane, else a fresh UUID.
 * Set on request (so refusals from any hook carry it) and checked again on send (replies that
 * skipped the request hooks).
 */
export function installRequestIds(app: FastifyInstance): void {
  // Callback-style (sync) hooks on purpose: they run on every request, `/e/` included, and an
  // async hook costs a promise and a microtask hop each time (measured with bench:ingest).
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', requestIdFor(request.headers['x-request-id']));
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!reply.hasHeader('x-request-id')) {
      reply.header('x-request-id', requestIdFor(request.headers['x-request-id']));
    }
    done(null, payload);
  });
}

export function requestIdFor(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && acceptableId.test(incoming) ? incoming : randomUUID();
}
