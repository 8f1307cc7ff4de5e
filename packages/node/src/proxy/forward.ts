import { isIP } from 'node:net';
import { BodyTooLargeError, type IncomingProxyRequest, type ProxyHandlerOptions } from './types.js';

export const defaultMaxBodyBytes = 32 * 1024;
const defaultTimeoutMs = 10_000;

/**
 * Visitor headers the Zenovay server reads, and nothing else. Cookies and Authorization belong to
 * the site, never to its analytics; Referer is left out as the tracker sends the page itself.
 */
const forwardedRequestHeaders = [
  'user-agent',
  'origin',
  'content-type',
  'dnt',
  'sec-gpc',
  'if-none-match',
  'access-control-request-method',
  'access-control-request-headers',
];

/** What the visitor's browser needs from the answer. Set-Cookie is never among them. */
const forwardedResponseHeaders = [
  'content-type',
  'cache-control',
  'etag',
  'vary',
  'retry-after',
  'x-content-type-options',
  'cross-origin-resource-policy',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'access-control-allow-origin',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
];

/** z.js, or its opt-in build with heartbeats, z.engagement.js (docs/engagement.md). */
const scriptPath = /(?:^|\/)(z(?:\.engagement)?\.js)$/;
const ingestPath = /\/e\/([A-Za-z0-9_-]{1,128})$/;
const heartbeatPath = /\/e\/heartbeat\/([A-Za-z0-9_-]{1,128})$/;

/** The upstream path for a request path, or undefined when it is not one the proxy serves. */
export function upstreamPath(pathname: string): { path: string; methods: readonly string[] } | undefined {
  const script = scriptPath.exec(pathname);
  if (script) return { path: `/${script[1]}`, methods: ['GET', 'HEAD'] };
  const heartbeat = heartbeatPath.exec(pathname);
  if (heartbeat) return { path: `/e/heartbeat/${heartbeat[1]}`, methods: ['POST', 'OPTIONS'] };
  const ingest = ingestPath.exec(pathname);
  if (ingest) return { path: `/e/${ingest[1]}`, methods: ['POST', 'OPTIONS'] };
  return undefined;
}

export interface ProxyConfig {
  readonly host: string;
  readonly proxyKey: string;
  readonly maxBodyBytes: number;
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
}

export function proxyConfig(options: ProxyHandlerOptions): ProxyConfig {
  const host = String(options.host ?? '').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(host)) {
    throw new TypeError(
      `createProxyHandler: host must be an http(s) origin such as https://analytics.example.com, got "${options.host}"`,
    );
  }
  if (!/^zvp_[A-Za-z0-9_-]{43}$/.test(String(options.proxyKey ?? ''))) {
    throw new TypeError(
      'createProxyHandler: proxyKey must be a key from `zenovay proxy-keys create` (zvp_…)',
    );
  }
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new TypeError('createProxyHandler: maxBodyBytes must be a positive integer');
  }
  return {
    host,
    proxyKey: options.proxyKey,
    maxBodyBytes,
    timeoutMs: options.timeoutMs ?? defaultTimeoutMs,
    fetch: options.fetch ?? fetch,
  };
}

/**
 * Sends one visitor request on to the Zenovay server and returns its answer with the body still
 * streaming. The visitor's address goes as the only X-Forwarded-For hop, next to the proxy key, so
 * the server believes it (and only because of the key). Refusals made here use the server's error
 * shape, so the tracker and any client read them the same way.
 */
export async function forward(config: ProxyConfig, incoming: IncomingProxyRequest): Promise<Response> {
  const target = upstreamPath(incoming.pathname);
  if (!target) return refusal(404, 'NOT_FOUND', 'There is nothing at this path.');
  if (!target.methods.includes(incoming.method)) {
    return refusal(405, 'METHOD_NOT_ALLOWED', 'This method is not allowed on this path.', {
      allow: target.methods.join(', '),
    });
  }
  const visitor = incoming.clientIp === undefined ? '' : stripMappedPrefix(incoming.clientIp.trim());
  if (isIP(visitor) === 0) {
    return refusal(
      500,
      'PROXY_CLIENT_IP_UNKNOWN',
      'The proxy could not tell the visitor address; configure clientIp.',
    );
  }
  const declared = Number(incoming.header('content-length') ?? 0);
  if (declared > config.maxBodyBytes) return tooLarge();
  let body: Uint8Array | undefined;
  if (incoming.method === 'POST') {
    try {
      body = await incoming.readBody(config.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return tooLarge();
      throw error;
    }
  }
  const headers = new Headers();
  for (const name of forwardedRequestHeaders) {
    const value = incoming.header(name);
    if (value !== undefined) headers.set(name, value);
  }
  headers.set('x-forwarded-for', visitor);
  headers.set('x-zenovay-proxy-key', config.proxyKey);
  let upstream: Response;
  try {
    upstream = await config.fetch(`${config.host}${target.path}`, {
      method: incoming.method,
      headers,
      body: body as BodyInit | undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return timedOut
      ? refusal(504, 'UPSTREAM_TIMEOUT', 'The analytics server did not answer in time.')
      : refusal(502, 'UPSTREAM_UNAVAILABLE', 'The analytics server could not be reached.');
  }
  const answer = new Headers();
  for (const name of forwardedResponseHeaders) {
    const value = upstream.headers.get(name);
    if (value !== null) answer.set(name, value);
  }
  const empty = upstream.status === 204 || upstream.status === 304 || incoming.method === 'HEAD';
  if (empty) await upstream.body?.cancel();
  // fetch has already undone any Content-Encoding, so the length and coding are not passed on.
  return new Response(empty ? null : upstream.body, { status: upstream.status, headers: answer });
}

function tooLarge(): Response {
  return refusal(413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than this server accepts.', {
    connection: 'close',
  });
}

function refusal(
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...extra },
  });
}

function stripMappedPrefix(ip: string): string {
  return ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}
