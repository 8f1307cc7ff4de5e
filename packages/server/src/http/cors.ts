import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * CORS for the public tracking prefix `/e/` (ingest, live counter, heartbeat, and any path under
 * it, known or not). Every answer there — accepted, refused, 404, 413, 429 — is readable by any
 * page, so a browser's console shows the real refusal (`ORIGIN_NOT_ALLOWED`, `VALIDATION_ERROR`)
 * instead of an opaque CORS failure.
 *
 * Why `*` rather than echoing the Origin: nothing under `/e/` takes credentials (no cookies, no
 * keys), and its answers reveal nothing a page may not know. CORS does not guard these writes;
 * the server's own Origin check does (http/origin.ts), and it refuses before the body is read.
 * A constant value also keeps a cached `/e/live/` answer valid for every origin without `Vary`.
 */

export const publicPrefix = '/e/';

/**
 * The two headers on every answer under the prefix; shared with the node:http fast path
 * (http/ingest-fast-path.ts), so both ways into `POST /e/{code}` send the same values.
 */
export const corsHeaders = {
  allowOrigin: '*',
  /** Headers a page's script may read besides the CORS-safelisted ones (status and body always). */
  exposeHeaders: 'Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, x-request-id',
} as const;

export function installPublicCors(app: FastifyInstance): void {
  // onSend runs for every answer, including the error and not-found handlers' and the proxy
  // gate's refusals, so no refusal path can forget the headers. A callback hook: this is the
  // ingest hot path and a promise per request would cost for nothing.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.url.startsWith(publicPrefix)) addCorsHeaders(reply);
    done(null, payload);
  });

  // One preflight answer for the whole prefix. It does not check the tracking code or the
  // Origin: refusing the preflight would hide the reason again; the real request is refused
  // with its code, before its body is read.
  app.options(`${publicPrefix}*`, answerPreflight);
}

function addCorsHeaders(reply: FastifyReply): void {
  reply.header('Access-Control-Allow-Origin', corsHeaders.allowOrigin);
  reply.header('Access-Control-Expose-Headers', corsHeaders.exposeHeaders);
}

async function answerPreflight(_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  return reply
    .code(204)
    .header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS')
    .header('Access-Control-Allow-Headers', 'Content-Type')
    .header('Access-Control-Max-Age', '86400')
    .send();
}
