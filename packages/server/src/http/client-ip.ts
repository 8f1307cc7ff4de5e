import ipaddr from 'ipaddr.js';
import { isCanonicalIpv4 } from '../net/canonical-ipv4.ts';

/**
 * Decides which address a request comes from. The connecting address rules; `X-Forwarded-For` is
 * believed only when the connecting address is one of the operator's trusted proxies, and then the
 * client is the right-most hop that is not itself trusted (hops to its left could be forged).
 */
export type ClientIpResolver = (
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
) => string;

export function createClientIpResolver(trustedCidrs: readonly string[]): ClientIpResolver {
  const ranges = trustedCidrs.map(parseRange);
  const isTrusted = (ip: string): boolean => {
    if (ranges.length === 0 || !ipaddr.isValid(ip)) return false;
    const address = ipaddr.process(ip);
    return ranges.some(([range, bits]) => address.kind() === range.kind() && address.match(range, bits));
  };

  return (remoteAddress, forwardedFor) => {
    const remote = normalizeIp(remoteAddress ?? '');
    if (!isTrusted(remote) || forwardedFor === undefined) return remote;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
      .split(',')
      .map((hop) => normalizeIp(hop.trim()))
      .filter((hop) => hop !== '');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (!ipaddr.isValid(hop)) return remote; // a garbled chain is not believed at all
      if (!isTrusted(hop)) return hop;
    }
    return hops[0] ?? remote;
  };
}

function parseRange(cidr: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  try {
    if (cidr.includes('/')) {
      const [address, bits] = ipaddr.parseCIDR(cidr);
      // Addresses are compared in their processed form (mapped IPv6 -> IPv4), so a mapped range
      // becomes the IPv4 range it covers; its prefix then counts from bit 96.
      if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
        if (bits < 96) throw new Error('mapped range wider than IPv4');
        return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
      }
      return [address, bits];
    }
    const address = ipaddr.process(cidr);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    throw new Error(`ZENOVAY_TRUSTED_PROXIES: "${cidr}" is not an IP address or CIDR range`);
  }
}

/** Strips the IPv4-mapped IPv6 prefix so `::ffff:1.2.3.4` and `1.2.3.4` are one client. */
export function normalizeIp(ip: string): string {
  if (isCanonicalIpv4(ip)) return ip; // hot path: already what the general path would return
  if (!ipaddr.isValid(ip)) return ip;
  return ipaddr.process(ip).toString();
}

/**
 * The key a per-address limit counts under. An IPv6 host usually owns a whole /64, so counting
 * per full address would let one host dodge the limit by rotating its low bits.
 */
export function rateLimitKey(ip: string): string {
  if (isCanonicalIpv4(ip)) return ip; // hot path: an IPv4 key is the address itself
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((part) => part.toString(16)).join(':')}::/64`;
}
