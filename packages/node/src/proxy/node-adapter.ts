import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BodyTooLargeError, type FastifyLikeRequest, type IncomingProxyRequest } from './types.js';

/**
 * Reads a Node request body up to `limit` bytes. When a body parser (express.json(), Fastify's)
 * has already consumed the stream, the parsed body is turned back into bytes instead.
 */
export async function readNodeBody(
  request: IncomingMessage,
  parsed: unknown,
  limit: number,
): Promise<Uint8Array> {
  if (request.readableEnded || request.readableFlowing === true) return bodyBytes(parsed, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function bodyBytes(parsed: unknown, limit: number): Uint8Array {
  let bytes: Uint8Array;
  if (parsed === undefined || parsed === null) bytes = new Uint8Array();
  else if (parsed instanceof Uint8Array) bytes = parsed;
  else if (typeof parsed === 'string') bytes = Buffer.from(parsed, 'utf8');
  else bytes = Buffer.from(JSON.stringify(parsed), 'utf8');
  if (bytes.length > limit) throw new BodyTooLargeError();
  return bytes;
}

function headerOf(headers: IncomingMessage['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Express/Connect: `req` is a Node request; Express may have set `req.ip` and `req.body`. */
export function fromNodeRequest(
  request: IncomingMessage & { ip?: unknown; body?: unknown; originalUrl?: unknown },
  clientIp: string | undefined,
): IncomingProxyRequest {
  return {
    method: (request.method ?? 'GET').toUpperCase(),
    pathname: pathOf(request.url ?? '/'),
    header: (name) => headerOf(request.headers, name),
    clientIp,
    readBody: (limit) => readNodeBody(request, request.body, limit),
  };
}

export function fromFastifyRequest(
  request: FastifyLikeRequest,
  clientIp: string | undefined,
): IncomingProxyRequest {
  return {
    method: request.method.toUpperCase(),
    pathname: pathOf(request.url),
    header: (name) => headerOf(request.headers, name),
    clientIp,
    readBody: (limit) => readNodeBody(request.raw, request.body, limit),
  };
}

/** The default visitor address for a Node request: Express's `req.ip`, else the socket's. */
export function nodeClientIp(request: IncomingMessage & { ip?: unknown }): string | undefined {
  return typeof request.ip === 'string' && request.ip !== '' ? request.ip : request.socket?.remoteAddress;
}

/** Writes a fetch Response to a Node response, streaming the body with backpressure. */
export async function sendToNode(response: Response, target: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  target.writeHead(response.status, headers);
  if (response.body === null) {
    target.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), target);
}

function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}
