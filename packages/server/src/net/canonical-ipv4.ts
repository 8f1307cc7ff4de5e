/** Four decimal octets 0-255 without leading zeros: the form Node reports IPv4 peers in. */
const canonicalIpv4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * True when `ip` is a plain dotted-quad IPv4 address already in canonical form, i.e. exactly what
 * `ipaddr.process(ip).toString()` would return. The ingest path meets such an address on every
 * request; checking this form first skips ipaddr.js's generic parse (it tries IPv6 first), which
 * showed up in the ingest CPU profile. Anything else takes the general path.
 */
export function isCanonicalIpv4(ip: string): boolean {
  return ip.length <= 15 && canonicalIpv4.test(ip);
}
