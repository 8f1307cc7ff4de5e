import ipaddr from 'ipaddr.js';
import { type ClientIpResolver, normalizeIp } from '../http/client-ip.ts';

/** Who sent a proxy-key request (the proxy) and whom it speaks for (the visitor). */
export interface ProxiedAddresses {
  readonly proxy: string;
  readonly visitor: string;
}

/**
 * Reads a request that carries a valid proxy key. The proxy is found by the ordinary rule (the
 * connecting address, or behind the operator's own trusted load balancers the right-most hop they
 * did not add); the visitor is the hop the proxy itself appended, immediately to the proxy's left.
 * Anything further left came from the visitor and is ignored. Undefined when that hop is missing
 * or not an IP address: such a request is refused, never counted against the proxy's address.
 */
export function proxiedAddresses(
  resolveClientIp: ClientIpResolver,
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
): ProxiedAddresses | undefined {
  if (forwardedFor === undefined) return undefined;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((hop) => normalizeIp(hop.trim()))
    .filter((hop) => hop !== '');
  const proxy = resolveClientIp(remoteAddress, forwardedFor);
  const chain = [...hops, normalizeIp(remoteAddress ?? '')];
  const at = chain.lastIndexOf(proxy);
  const visitor = at > 0 ? chain[at - 1] : undefined;
  if (visitor === undefined || !ipaddr.isValid(visitor)) return undefined;
  return { proxy, visitor };
}
