import type { GeoReader } from '../geo/geo-reader.ts';
import type { EventRow, ValidEvent } from './types.ts';
import { identifiedVisitor, visitorHash } from './visitor-id.ts';

export interface EnrichContext {
  readonly siteId: string;
  readonly clientIp: string;
  readonly nowMs: number;
  readonly salt: string;
  readonly geo: GeoReader;
}

/**
 * Turns a valid event into the stored row: URL split into parts, location from the client IP,
 * visitor id from the sender or the daily hash. The IP is used here and goes no further.
 */
export function enrichEvent(event: ValidEvent, context: EnrichContext): EventRow {
  const location = context.geo.lookup(context.clientIp);
  const page = event.url.parts;
  // Fields listed one by one rather than spread: one object shape for every row, built in one go.
  return {
    ts: context.nowMs,
    siteId: context.siteId,
    eventType: event.eventType,
    eventName: event.eventName,
    hostname: page.hostname,
    pathname: page.pathname,
    query: page.query,
    utmSource: page.utmSource,
    utmMedium: page.utmMedium,
    utmCampaign: page.utmCampaign,
    utmTerm: page.utmTerm,
    utmContent: page.utmContent,
    referrer: event.referrer?.href ?? '',
    referrerHost: event.referrer?.referrerHost ?? '',
    sessionId: event.sessionId,
    visitorId:
      event.userId !== null
        ? identifiedVisitor(context.siteId, event.userId)
        : (event.visitorId ?? visitorHash(context.salt, context.siteId, context.clientIp, event.userAgent)),
    deviceType: event.deviceType,
    browser: event.browser,
    os: event.os,
    country: location.country,
    region: location.region,
    city: location.city,
    propKeys: event.propKeys,
    propValues: event.propValues,
    eventId: event.eventId ?? '',
    revenueE4: event.revenue ? event.revenue.amountE4.toString() : '0',
    revenueCurrency: event.revenue?.currency ?? '',
    interactive: event.interactive,
  };
}
