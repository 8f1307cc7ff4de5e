import type { FastifyReply } from 'fastify';

/**
 * The dashboard's Content-Security-Policy: only our own scripts and styles (no inline code, no
 * eval), data only from our own origin, never framed. Event data is rendered as text, and this is
 * the second wall should that ever fail.
 */
export const dashboardCsp = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Headers for every dashboard response: pages, assets and the JSON API. */
export function setDashboardSecurityHeaders(reply: FastifyReply): void {
  reply.header('Content-Security-Policy', dashboardCsp);
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('X-Frame-Options', 'DENY');
  reply.header('Referrer-Policy', 'same-origin');
  reply.header('Cross-Origin-Opener-Policy', 'same-origin');
}
