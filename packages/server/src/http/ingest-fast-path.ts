import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { FastifyServerFactory } from 'fastify';
import { requestIdFor } from '../api/request-id.ts';
import { ApiError, errorBody } from '../errors.ts';
import type { RateDecision } from '../limits/rate-limiter.ts';
import type { Logger } from '../log.ts';
import { proxyKeyHeader } from '../proxy/proxy-key.ts';
import type { Site } from '../store/types.ts';
import { parseEventJson } from './body-parser.ts';
import { rateLimitKey } from './client-ip.ts';
import { corsHeaders } from './cors.ts';
import { originAllowed } from './origin.ts';
import {
  acceptedAnswer,
  eventObject,
  type IngestRouteDeps,
  jsonType,
  rateLimitRefusal,
  rateLimitReset,
} from './routes/ingest.ts';

/**
 * `POST /e/{code}` answered on node:http before Fastify sees it: the service's hottest request,
 * where Fastify's routing, hooks, reply object and content-type parser cost about as much CPU as
 * the pipeline itself. The fast path takes a request only when nothing about it needs Fastify — a
 * plain tracking code of a known site, an allowed Origin, no proxy key, a JSON or text/plain UTF-8
 * body with a Content-Length within the limit — and otherwise returns false, having touched
 * nothing, so Fastify serves it exactly as before (every refusal before the body, the proxy gate,
 * 413, 415, chunked bodies, Fastify's own framing errors). What it does answer goes through the same
 * functions as the Fastify route (`routes/ingest.ts`, `parseEventJson`, the pipeline, `errorBody`)
 * and carries the same headers in the same order, so an answer is byte for byte the one Fastify
 * would give (test/ingest-fast-path.test.ts compares both on one request set). Once the app starts
 * closing, everything goes to Fastify (which adds `Connection: close`).
 */
export interface IngestFastPathDeps extends IngestRouteDeps {
  readonly maxBodyBytes: number;
  readonly log: Logger;
  /** True when Fastify would route `POST /e/{code}` elsewhere than to the ingest route. */
  readonly shadowed: (code: string) => boolean;
}

export interface IngestFastPath {
  /** Serves the request and returns true, or returns false having touched nothing. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  /** From now on every request goes to Fastify. */
  disable(): void;
}

/** Tracking codes are `ZV_` + base64url; anything else (escapes, a query, a longer path) goes to Fastify. */
const plainCode = /^[A-Za-z0-9_-]{1,100}$/;
/**
 * The Content-Type values senders use (the tracker's beacon, the SDKs, curl), all UTF-8 JSON by
 * `registerJsonBodyParser`'s rules; any other spelling goes to Fastify, whose parser decides.
 */
const plainTypes = new Set([
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json;charset=UTF-8',
  'text/plain',
  'text/plain;charset=UTF-8',
  'text/plain; charset=UTF-8',
  'text/plain;charset=utf-8',
  'text/plain; charset=utf-8',
]);
const plainLength = /^[0-9]{1,7}$/;
const ingestRoute = '/e/:trackingCode';
/** Codes remembered as routed to ingest or not; bounded, as codes that reach it name real sites. */
const shadowChecksKept = 10_000;

export function createIngestFastPath(deps: IngestFastPathDeps): IngestFastPath {
  let enabled = true;
  const shadowedCodes = new Map<string, boolean>();
  function isShadowed(code: string): boolean {
    let known = shadowedCodes.get(code);
    if (known === undefined) {
      known = deps.shadowed(code);
      if (shadowedCodes.size >= shadowChecksKept) shadowedCodes.clear();
      shadowedCodes.set(code, known);
    }
    return known;
  }

  function handle(request: IncomingMessage, response: ServerResponse): boolean {
    if (!enabled || request.method !== 'POST') return false;
    const url = request.url ?? '';
    if (!url.startsWith('/e/')) return false;
    const code = url.slice(3);
    if (!plainCode.test(code)) return false;
    const headers = request.headers;
    if (headers[proxyKeyHeader] !== undefined || headers['transfer-encoding'] !== undefined) return false;
    const type = headers['content-type'];
    if (type === undefined || !plainTypes.has(type)) return false;
    const length = headers['content-length'];
    if (length === undefined || !plainLength.test(length)) return false;
    const bytes = Number(length);
    if (bytes === 0 || bytes > deps.maxBodyBytes) return false;
    const site = deps.sites.byTrackingCode(code);
    if (!site || !originAllowed(site, headers.origin) || isShadowed(code)) return false;
    serve(request, response, site, bytes).catch((error: unknown) => {
      // Only a failure to write the answer lands here; the connection is all that is left to end.
      deps.log.error('ingest fast path failed', {
        error: error instanceof Error ? error.message : String(error),
      });
      response.destroy();
    });
    return true;
  }

  async function serve(request: IncomingMessage, response: ServerResponse, site: Site, bytes: number) {
    const requestId = requestIdFor(request.headers['x-request-id']);
    const clientIp = deps.clientIp(request.socket.remoteAddress, request.headers['x-forwarded-for']);
    // Read while the limiter is asked (Node holds the bytes until then either way), as Fastify's
    // route asks it in onRequest before its parser runs.
    const body = readBody(request, bytes);
    body.catch(ignore); // a client gone while the limiter answers is not an unhandled rejection
    let decision: RateDecision | null = null;
    try {
      decision = await deps.limiter.consume(rateLimitKey(clientIp), deps.clock.now());
      if (!decision.allowed) {
        deps.countRefusal(site.id, 'RATE_LIMIT_EXCEEDED');
        return answerError(response, requestId, decision, rateLimitRefusal(decision), false);
      }
      let parsed: unknown;
      try {
        parsed = parseEventJson(await body);
      } catch (error) {
        if (error === bodyLost) return; // the client went away mid-body: nobody to answer
        // Fastify's error handler counts a parser refusal, and its parser step closes the
        // connection after any parser error (the client may still be sending).
        if (error instanceof ApiError) {
          deps.countRefusal(site.id, error.code);
          return answerError(response, requestId, decision, error, true);
        }
        throw error;
      }
      let event: Record<string, unknown>;
      try {
        event = eventObject(parsed);
      } catch (error) {
        deps.countRefusal(site.id, (error as ApiError).code); // as the error handler counts it
        throw error;
      }
      const accepted = await deps.processEvent(site, event, clientIp);
      answer(response, 202, requestId, decision, null, false, acceptedAnswer(accepted));
    } catch (error) {
      // The pipeline counted its own refusals, as in the Fastify route.
      if (error instanceof ApiError) return answerError(response, requestId, decision, error, false);
      deps.log.error('unhandled error', {
        error: error instanceof Error ? error.message : String(error),
        route: ingestRoute,
      });
      deps.countRefusal(site.id, 'INTERNAL_ERROR');
      answerError(response, requestId, decision, new ApiError('INTERNAL_ERROR'), false);
    }
  }

  return {
    handle,
    disable: () => {
      enabled = false;
    },
  };
}

/**
 * A node:http server for Fastify's `serverFactory` option whose requests meet the fast path first.
 * With a factory Fastify leaves the server's timeouts to it, so they are set here as Fastify sets
 * them on a server of its own (fastify/lib/server.js).
 */
export function serverWithFastPath(fastPath: IngestFastPath): FastifyServerFactory {
  return (handler, fastifyOptions) => {
    const options = fastifyOptions as ServerFactoryOptions;
    const server = http.createServer(options.http ?? {}, (request, response) => {
      if (!fastPath.handle(request, response)) handler(request, response);
    });
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    return server;
  };
}

/** The Fastify options a factory's server needs (Fastify has filled in its defaults). */
interface ServerFactoryOptions {
  readonly http?: http.ServerOptions;
  readonly keepAliveTimeout?: number;
  readonly requestTimeout?: number;
  readonly connectionTimeout?: number;
  readonly maxRequestsPerSocket?: number;
}

const ignore = (): void => undefined;
const bodyLost = new Error('the request body did not arrive');

/**
 * The body as UTF-8 text, decoded once at the end as Fastify's `parseAs: 'string'` decodes it (so
 * invalid bytes become the same U+FFFD). Node's parser delivers exactly Content-Length bytes.
 */
function readBody(request: IncomingMessage, bytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let first: Buffer | null = null;
    let chunks: Buffer[] | null = null;
    request.on('data', (chunk: Buffer) => {
      if (first === null) first = chunk;
      else if (chunks === null) chunks = [first, chunk];
      else chunks.push(chunk);
    });
    request.on('end', () => {
      if (first === null) resolve('');
      else resolve(chunks === null ? first.toString('utf8') : Buffer.concat(chunks, bytes).toString('utf8'));
    });
    request.on('error', () => reject(bodyLost));
    request.on('close', () => {
      if (!request.complete) reject(bodyLost);
    });
  });
}

function answerError(
  response: ServerResponse,
  requestId: string,
  decision: RateDecision | null,
  error: ApiError,
  closing: boolean,
): void {
  const body = JSON.stringify(errorBody(error.code, error.fields, error.message));
  answer(response, error.status, requestId, decision, error.headers ?? null, closing, body);
}

/**
 * Writes the answer with Fastify's headers in Fastify's order (names lower-cased as its reply
 * stores them): request id, rate-limit headers, `connection: close` after a parser error, the
 * error's own headers, Content-Type, CORS, Content-Length. Node adds Date (and the keep-alive
 * headers) after them for both.
 */
function answer(
  response: ServerResponse,
  status: number,
  requestId: string,
  decision: RateDecision | null,
  extra: Readonly<Record<string, string>> | null,
  closing: boolean,
  body: string,
): void {
  const headers: Record<string, string> = { 'x-request-id': requestId };
  if (decision) {
    headers['x-ratelimit-limit'] = String(decision.limit);
    headers['x-ratelimit-remaining'] = String(decision.remaining);
    headers['x-ratelimit-reset'] = rateLimitReset(decision);
  }
  if (closing) headers.connection = 'close';
  if (extra) for (const name of Object.keys(extra)) headers[name.toLowerCase()] = extra[name]!;
  headers['content-type'] = jsonType;
  headers['access-control-allow-origin'] = corsHeaders.allowOrigin;
  headers['access-control-expose-headers'] = corsHeaders.exposeHeaders;
  headers['content-length'] = String(Buffer.byteLength(body));
  response.writeHead(status, headers);
  response.end(body);
}
