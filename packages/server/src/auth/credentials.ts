import type { IncomingHttpHeaders } from 'node:http';

/**
 * The key a request presents: `X-API-Key: zv_…` or `Authorization: Bearer zv_…` (X-API-Key wins
 * when both are sent). Undefined when neither header carries one.
 */
export function presentedApiKey(headers: IncomingHttpHeaders): string | undefined {
  const direct = headers['x-api-key'];
  if (typeof direct === 'string' && direct.trim() !== '') return direct.trim();
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
