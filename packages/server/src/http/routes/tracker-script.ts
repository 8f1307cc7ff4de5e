import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { buildTracker, type TrackerBuildOptions } from '@zenovay/tracker';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The served script in both encodings, with the validators derived from its content. */
export interface TrackerScript {
  readonly identity: Buffer;
  readonly gzip: Buffer;
  /** Strong ETags; the gzip one differs, as a different content coding is another representation. */
  readonly etag: string;
  readonly gzipEtag: string;
}

export async function loadTrackerScript(options: TrackerBuildOptions = {}): Promise<TrackerScript> {
  const { code } = await buildTracker(options);
  const identity = Buffer.from(code);
  const tag = createHash('sha256').update(identity).digest('base64url').slice(0, 22);
  return { identity, gzip: gzipSync(identity, { level: 9 }), etag: `"${tag}"`, gzipEtag: `"${tag}-gz"` };
}

// Built from source on first request, once per process: no build step to forget, no stale copy.
let script: Promise<TrackerScript> | undefined;
let engagementScript: Promise<TrackerScript> | undefined;

/**
 * The URL is not versioned (the install snippet is pasted once), so a day of freshness is the
 * longest a fix may take to reach visitors; after that, revalidation is a 304 thanks to the ETag,
 * and a stale copy may be used for a week while it happens in the background.
 */
export const trackerCacheControl = 'public, max-age=86400, stale-while-revalidate=604800';

/** `GET /z.js`: the browser tracker. No CORS headers: a classic `<script>` does not need them. */
export function registerTrackerScriptRoute(app: FastifyInstance): void {
  app.get('/z.js', async (request, reply) => {
    script ??= loadTrackerScript().catch((error: unknown) => {
      script = undefined; // let a later request try again
      throw error;
    });
    return sendScript(request, reply, await script);
  });
  // The opt-in build with heartbeats (docs/engagement.md): z.js plus engaged time and scroll depth.
  app.get('/z.engagement.js', async (request, reply) => {
    engagementScript ??= loadTrackerScript({ engagement: true }).catch((error: unknown) => {
      engagementScript = undefined;
      throw error;
    });
    return sendScript(request, reply, await engagementScript);
  });
}

function sendScript(request: FastifyRequest, reply: FastifyReply, served: TrackerScript) {
  const gzip = acceptsGzip(request.headers['accept-encoding']);
  reply
    .header('Content-Type', 'text/javascript; charset=utf-8')
    .header('Cache-Control', trackerCacheControl)
    .header('Vary', 'Accept-Encoding')
    .header('X-Content-Type-Options', 'nosniff')
    // Sites that isolate themselves (COEP) may still load it.
    .header('Cross-Origin-Resource-Policy', 'cross-origin')
    .header('ETag', gzip ? served.gzipEtag : served.etag);
  if (matchesEtag(request.headers['if-none-match'], served)) return reply.code(304).send();
  if (gzip) reply.header('Content-Encoding', 'gzip');
  return reply.code(200).send(gzip ? served.gzip : served.identity);
}

/** `gzip` listed without `q=0`. */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    return !params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param));
  });
}

/** If-None-Match uses weak comparison (RFC 9110 13.1.2): `W/` is ignored; `*` matches. */
function matchesEtag(header: string | undefined, served: TrackerScript): boolean {
  if (!header) return false;
  return header.split(',').some((raw) => {
    const tag = raw.trim().replace(/^W\//, '');
    return tag === '*' || tag === served.etag || tag === served.gzipEtag;
  });
}
