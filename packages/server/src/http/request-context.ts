import type { FastifyInstance } from 'fastify';
import type { Site } from '../store/types.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The site named by the path's tracking code, once resolved. */
    zvSite: Site | null;
    /** The client's address after the trusted-proxy rule; used in memory only, never logged. */
    zvClientIp: string;
  }
}

/** Declares the per-request fields up front so every request object has the same shape. */
export function decorateRequests(app: FastifyInstance): void {
  app.decorateRequest('zvSite', null);
  app.decorateRequest('zvClientIp', '');
}
