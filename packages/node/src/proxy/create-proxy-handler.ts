import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { forward, proxyConfig, upstreamPath } from './forward.js';
import { fromFastifyRequest, fromNodeRequest, nodeClientIp, sendToNode } from './node-adapter.js';
import type { FastifyLikeRequest, IncomingProxyRequest, ProxyHandlerOptions } from './types.js';
import { BodyTooLargeError } from './types.js';

/** A Fastify reply as far as the proxy uses it. */
interface FastifyLikeReply {
  readonly raw: ServerResponse;
  code(status: number): FastifyLikeReply;
  headers(values: Record<string, string>): FastifyLikeReply;
  send(payload?: unknown): FastifyLikeReply;
}

type Next = (error?: unknown) => void;

/**
 * One function, three calling conventions:
 * - Express/Connect middleware `(req, res, next)`: paths it does not serve go to `next()`;
 * - Fastify route handler `(request, reply)`;
 * - Web-standard `(request: Request) => Promise<Response>` (Next.js route handlers, Hono, Bun…).
 */
export interface ProxyHandler {
  (request: Request): Promise<Response>;
  (request: FastifyLikeRequest, reply: FastifyLikeReply): Promise<FastifyLikeReply>;
  (request: IncomingMessage, response: ServerResponse, next?: Next): Promise<void>;
}

/**
 * A first-party proxy for the Zenovay tracker: mount it on your own site (say under `/zv`) and
 * point the snippet there (`src="/zv/z.js" data-api-url="/zv"`). It serves `…/z.js` and
 * `…/e/{trackingCode}` from your domain, passes the visitor's address to Zenovay with your proxy
 * key (so visitors are located and rate-limited as themselves), and never forwards cookies or
 * Authorization.
 */
export function createProxyHandler(options: ProxyHandlerOptions): ProxyHandler {
  const config = proxyConfig(options);
  const pick = options.clientIp;

  const handler = async (first: unknown, second?: unknown, next?: Next): Promise<unknown> => {
    if (isWebRequest(first)) {
      return forward(config, fromWebRequest(first, pick ? pick(first) : undefined));
    }
    if (isFastifyReply(second)) {
      const request = first as FastifyLikeRequest;
      const incoming = fromFastifyRequest(request, pick ? pick(request) : request.ip);
      const response = await forward(config, incoming);
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const body =
        response.body === null
          ? undefined
          : Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
      return second.code(response.status).headers(headers).send(body);
    }
    const request = first as IncomingMessage;
    const response = second as ServerResponse;
    if (next && !upstreamPath(fromNodeRequest(request, undefined).pathname)) return next();
    try {
      await sendToNode(
        await forward(config, fromNodeRequest(request, pick ? pick(request) : nodeClientIp(request))),
        response,
      );
    } catch (error) {
      if (next && !response.headersSent) return next(error);
      response.destroy(error instanceof Error ? error : undefined);
    }
    return undefined;
  };
  return handler as ProxyHandler;
}

function isWebRequest(value: unknown): value is Request {
  if (typeof Request !== 'undefined' && value instanceof Request) return true;
  const candidate = value as Partial<Request> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.url === 'string' &&
    typeof (candidate.headers as Headers | undefined)?.get === 'function' &&
    typeof candidate.arrayBuffer === 'function'
  );
}

function isFastifyReply(value: unknown): value is FastifyLikeReply {
  const candidate = value as Partial<FastifyLikeReply> & { hijack?: unknown };
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.code === 'function' &&
    typeof candidate.hijack === 'function' &&
    candidate.raw !== undefined
  );
}

function fromWebRequest(request: Request, clientIp: string | undefined): IncomingProxyRequest {
  return {
    method: request.method.toUpperCase(),
    pathname: new URL(request.url).pathname,
    header: (name) => request.headers.get(name) ?? undefined,
    clientIp,
    readBody: async (limit) => {
      if (request.body === null) return new Uint8Array();
      const chunks: Uint8Array[] = [];
      let size = 0;
      const reader = request.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.length;
        if (size > limit) {
          await reader.cancel();
          throw new BodyTooLargeError();
        }
        chunks.push(value);
      }
      const bytes = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.length;
      }
      return bytes;
    },
  };
}
