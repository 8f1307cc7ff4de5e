import type { IncomingMessage } from 'node:http';

/** A Fastify request as far as the proxy reads it (structural, so Fastify is not a dependency). */
export interface FastifyLikeRequest {
  readonly raw: IncomingMessage;
  readonly url: string;
  readonly method: string;
  /** Fastify's client address: the socket's, or per its own `trustProxy` option. */
  readonly ip: string;
  readonly headers: IncomingMessage['headers'];
  readonly body?: unknown;
}

/** Whatever request object the framework handed the proxy. */
export type ProxiedRequest = IncomingMessage | FastifyLikeRequest | Request;

export interface ProxyHandlerOptions {
  /** The Zenovay server, e.g. `https://analytics.example.com` (no path). */
  readonly host: string;
  /** A proxy key for this site (`zenovay proxy-keys create --site ID`); sent as X-Zenovay-Proxy-Key. */
  readonly proxyKey: string;
  /** Largest body forwarded; larger ones are answered 413 here. Default 32 KiB (the server's cap). */
  readonly maxBodyBytes?: number;
  /**
   * The visitor's IP address. Defaults: Express/Connect `req.ip` when the framework set it (it
   * honours Express's `trust proxy` setting), else the socket's address; Fastify `request.ip` (its
   * `trustProxy` option); the Web-standard form has no default and must be told, e.g. from the
   * header your platform's edge sets. Behind your own load balancer or CDN, return the address it
   * reports — and only believe headers that your own infrastructure sets.
   */
  readonly clientIp?: (request: ProxiedRequest) => string | undefined;
  /** Give up on the Zenovay server after this long (ms); the visitor gets 504. Default 10,000. */
  readonly timeoutMs?: number;
  /** For tests and unusual runtimes; default: the global fetch. */
  readonly fetch?: typeof fetch;
}

/** The request in a framework-neutral form, built by each adapter. */
export interface IncomingProxyRequest {
  readonly method: string;
  /** The path as the app sees it (any mount prefix included or not): only its ending is matched. */
  readonly pathname: string;
  header(name: string): string | undefined;
  /** The visitor's address, or undefined when it cannot be known. */
  readonly clientIp: string | undefined;
  /** Reads the body, at most `limit` bytes; throws `BodyTooLargeError` beyond. */
  readBody(limit: number): Promise<Uint8Array>;
}

export class BodyTooLargeError extends Error {
  constructor() {
    super('the request body is larger than the proxy forwards');
  }
}
