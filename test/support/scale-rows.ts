import type { EventRow } from '../../packages/server/src/ingest/types.ts';

/** The time scale-out tests start at. */
export const t0 = Date.parse('2026-03-10T12:00:00Z');

/** A stored event row with plain defaults, for event-store and spool tests. */
export function eventRow(overrides: Partial<EventRow> = {}): EventRow {
  return {
    ts: t0,
    siteId: 'site-1',
    eventType: 'pageview',
    eventName: 'pageview',
    hostname: 'example.com',
    pathname: '/',
    query: '',
    utmSource: '',
    utmMedium: '',
    utmCampaign: '',
    utmTerm: '',
    utmContent: '',
    referrer: '',
    referrerHost: '',
    sessionId: 'sess-1',
    visitorId: 'vis-1',
    deviceType: 'desktop',
    browser: 'Firefox',
    os: 'Linux',
    country: 'DE',
    region: '',
    city: '',
    propKeys: [],
    propValues: [],
    eventId: '',
    revenueE4: '0',
    revenueCurrency: '',
    ...overrides,
  };
}
