import http from 'node:http';
import { freePort } from './ports.ts';

/** What the proxy does with one request. */
export type Fate =
  | { kind: 'forward' }
  /** Forward, let the server answer (so it has stored the event), then destroy the client's socket. */
  | { kind: 'forward-then-destroy' }
  | { kind: 'status'; status: number; retryAfter?: string }
  /** Never answer (until the proxy closes). */
  | { kind: 'hang' };

export interface ProxyStats {
  requests: number;
  forwarded: number;
  destroyedAfterForward: number;
  byStatus: Record<number, number>;
}

export interface FaultProxy {
  readonly url: string;
  readonly stats: ProxyStats;
  close(): Promise<void>;
}

/**
 * A real HTTP proxy on 127.0.0.1 in front of a real server, for fault tests. `decide` picks each
 * request's fate after the whole request body has arrived.
 */
export async function startFaultProxy(
  target: string,
  decide: (request: { index: number; path: string; body: string }) => Fate,
): Promise<FaultProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const stats: ProxyStats = { requests: 0, forwarded: 0, destroyedAfterForward: 0, byStatus: {} };
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const fate = decide({ index: stats.requests++, path: request.url ?? '/', body: body.toString('utf8') });
      if (fate.kind === 'hang') {
        hanging.add(response);
        return;
      }
      if (fate.kind === 'status') {
        stats.byStatus[fate.status] = (stats.byStatus[fate.status] ?? 0) + 1;
        const headers: Record<string, string> = { 'content-type': 'text/plain' };
        if (fate.retryAfter !== undefined) headers['retry-after'] = fate.retryAfter;
        response.writeHead(fate.status, headers).end(`proxy says ${fate.status}`);
        return;
      }
      stats.forwarded++;
      const forward = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.url,
          agent,
          headers: { ...request.headers, host: upstream.host, 'content-length': String(body.length) },
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            if (fate.kind === 'forward-then-destroy') {
              stats.destroyedAfterForward++;
              request.socket.destroy(); // the server acted on it; the client never hears so
              return;
            }
            const status = answer.statusCode ?? 502;
            stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
            response.writeHead(status, answer.headers).end(Buffer.concat(parts));
          });
        },
      );
      forward.on('error', () => {
        stats.byStatus[502] = (stats.byStatus[502] ?? 0) + 1;
        if (!response.headersSent) response.writeHead(502).end();
      });
      forward.end(body);
    });
  });

  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: async () => {
      for (const response of hanging) response.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/**
 * The fault profile: about 30% answered 503, about 10% forwarded and then cut off, and
 * bursts of 429 with `Retry-After`. Seeded, so a failing run can be replayed. A burst is
 * `burstLength` requests, or with `burstMs` a stretch of wall-clock time (a client that obeys
 * Retry-After sends few requests into a time-based burst, but waits out every one of a counted one).
 */
export function faultProfile(
  seed: number,
  options: { burstLength?: number; burstMs?: number; retryAfter?: string } = {},
) {
  const random = mulberry32(seed);
  const burstLength = options.burstLength ?? 25;
  const tooMany: Fate = { kind: 'status', status: 429, retryAfter: options.retryAfter ?? '1' };
  let burstLeft = 0;
  let burstUntil = 0;
  return (): Fate => {
    if (burstLeft > 0 || Date.now() < burstUntil) {
      burstLeft = Math.max(0, burstLeft - 1);
      return tooMany;
    }
    const roll = random();
    if (roll < 0.005) {
      if (options.burstMs === undefined) burstLeft = burstLength - 1;
      else burstUntil = Date.now() + options.burstMs;
      return tooMany;
    }
    if (roll < 0.305) return { kind: 'status', status: 503 };
    if (roll < 0.405) return { kind: 'forward-then-destroy' };
    return { kind: 'forward' };
  };
}

/** A small seeded PRNG (public domain). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
