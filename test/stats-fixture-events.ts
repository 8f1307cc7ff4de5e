/**
 * A small fixed set of visits whose answers the stats tests work out by hand (see the comments
 * next to each visit). Times are UTC; site A is in Europe/Berlin (UTC+1 until 2026-03-29 01:00
 * UTC, then UTC+2). stats-fixture.ts stores them on a backend.
 */
import type { EventRow } from '../packages/server/src/ingest/types.ts';
import type { Site } from '../packages/server/src/store/types.ts';

export const siteA: Site = {
  id: 'site-a',
  domain: 'example.com',
  name: 'A',
  trackingCode: 'code-a',
  timezone: 'Europe/Berlin',
  createdAt: '2026-01-01T00:00:00.000Z',
};
/** The same events read as a UTC site. */
export const siteAUtc: Site = { ...siteA, timezone: 'UTC' };
export const siteB: Site = { ...siteA, id: 'site-b', domain: 'other.test', trackingCode: 'code-b' };

interface EventSpec {
  at: string;
  session: string;
  visitor: string;
  name?: string;
  path?: string;
  host?: string;
  ref?: string;
  query?: string;
  utm?: Partial<Record<'source' | 'medium' | 'campaign' | 'term' | 'content', string>>;
  geo?: [country: string, region?: string, city?: string];
  tech?: [device: string, browser: string, os: string];
  props?: Record<string, string>;
  /** Revenue as stored: [ten-thousandths, ISO 4217 upper case]. */
  revenue?: readonly [string, string];
  site?: string;
}

export function event(spec: EventSpec): EventRow {
  const [country = '', region = '', city = ''] = spec.geo ?? [];
  const [deviceType, browser, os] = spec.tech ?? ['desktop', 'Firefox', 'Linux'];
  const name = spec.name ?? 'pageview';
  return {
    ts: Date.parse(spec.at),
    siteId: spec.site ?? siteA.id,
    eventType: name === 'pageview' ? 'pageview' : 'custom',
    eventName: name,
    hostname: spec.host ?? 'example.com',
    pathname: spec.path ?? '/',
    query: spec.query ?? '',
    utmSource: spec.utm?.source ?? '',
    utmMedium: spec.utm?.medium ?? '',
    utmCampaign: spec.utm?.campaign ?? '',
    utmTerm: spec.utm?.term ?? '',
    utmContent: spec.utm?.content ?? '',
    referrer: spec.ref ? `https://${spec.ref}/` : '',
    referrerHost: spec.ref ?? '',
    sessionId: spec.session,
    visitorId: spec.visitor,
    deviceType,
    browser,
    os,
    country,
    region,
    city,
    propKeys: Object.keys(spec.props ?? {}),
    propValues: Object.values(spec.props ?? {}),
    eventId: '',
    // As ingest stores it: ten-thousandths of the amount, the currency upper case.
    revenueE4: spec.revenue ? spec.revenue[0] : '0',
    revenueCurrency: spec.revenue ? spec.revenue[1] : '',
  };
}

const de: EventSpec['geo'] = ['DE', 'BE', 'Berlin'];
const ffLinux: EventSpec['tech'] = ['desktop', 'Firefox', 'Linux'];

/** The main week: Berlin days 2026-03-02 .. 2026-03-08, plus the previous week and edges. */
export const fixtureEvents: EventRow[] = [
  // V0 u8: 2026-03-02 00:30 Berlin (still March 1 in UTC). Direct, bounce.
  event({
    at: '2026-03-01T23:30:00Z',
    session: 's0',
    visitor: 'u8',
    path: '/about',
    geo: ['NL'],
    tech: ['desktop', 'Safari', 'macOS'],
  }),
  // V1 u1: Google, /, /pricing, Signup(plan=pro) on /pricing; 300 s.
  event({
    at: '2026-03-03T10:00:00Z',
    session: 's1',
    visitor: 'u1',
    ref: 'google.com',
    geo: de,
    tech: ffLinux,
  }),
  event({
    at: '2026-03-03T10:01:00Z',
    session: 's1',
    visitor: 'u1',
    path: '/pricing',
    ref: 'example.com',
    geo: de,
    tech: ffLinux,
  }),
  event({
    at: '2026-03-03T10:05:00Z',
    session: 's1',
    visitor: 'u1',
    name: 'Signup',
    path: '/pricing',
    geo: de,
    tech: ffLinux,
    props: { plan: 'pro' },
  }),
  // V2 u2: Twitter (t.co), one pageview: bounce.
  event({
    at: '2026-03-03T12:00:00Z',
    session: 's2',
    visitor: 'u2',
    path: '/blog/post-1',
    ref: 't.co',
    geo: ['US', 'CA', 'San Francisco'],
    tech: ['mobile', 'Safari', 'iOS'],
  }),
  // V3 u1 again: newsletter e-mail; one pageview then two purchases (EUR 49.90, USD 10); 120 s.
  event({
    at: '2026-03-04T09:00:00Z',
    session: 's3',
    visitor: 'u1',
    utm: {
      source: 'newsletter',
      medium: 'email',
      campaign: 'spring',
      term: 'analytics',
      content: 'header-link',
    },
    geo: de,
    tech: ffLinux,
  }),
  event({
    at: '2026-03-04T09:00:30Z',
    session: 's3',
    visitor: 'u1',
    name: 'Purchase',
    path: '/checkout',
    geo: de,
    tech: ffLinux,
    props: { value: '49.90', currency: 'eur' },
    revenue: ['499000', 'EUR'],
  }),
  event({
    at: '2026-03-04T09:02:00Z',
    session: 's3',
    visitor: 'u1',
    name: 'Purchase',
    path: '/checkout',
    geo: de,
    tech: ffLinux,
    props: { value: '10', currency: 'USD' },
    revenue: ['100000', 'USD'],
  }),
  // V4 u3: spans Berlin midnight (23:50 on the 5th, 00:20 on the 6th); direct; 1800 s.
  event({
    at: '2026-03-05T22:50:00Z',
    session: 's4',
    visitor: 'u3',
    path: '/docs',
    geo: ['FR'],
    tech: ['desktop', 'Chrome', 'Windows'],
  }),
  event({
    at: '2026-03-05T23:20:00Z',
    session: 's4',
    visitor: 'u3',
    path: '/docs/install',
    ref: 'example.com',
    geo: ['FR'],
    tech: ['desktop', 'Chrome', 'Windows'],
  }),
  // V5 u4: Google with gclid: Paid; pageview + Signup(plan=free) after 10 s.
  event({
    at: '2026-03-06T08:00:00Z',
    session: 's5',
    visitor: 'u4',
    path: '/pricing',
    query: 'gclid=xyz',
    ref: 'google.com',
    geo: ['GB'],
    tech: ['tablet', 'Chrome', 'Android'],
  }),
  event({
    at: '2026-03-06T08:00:10Z',
    session: 's5',
    visitor: 'u4',
    name: 'Signup',
    path: '/pricing',
    query: 'gclid=xyz',
    geo: ['GB'],
    tech: ['tablet', 'Chrome', 'Android'],
    props: { plan: 'free' },
  }),
  // V6 u5: only a custom event (no pageview): not a bounce, 0 s, no entry page, unknown country.
  event({
    at: '2026-03-07T15:00:00Z',
    session: 's6',
    visitor: 'u5',
    name: 'Outbound Link: Click',
    path: '/blog/post-2',
    tech: ['mobile', 'Chrome', 'Android'],
    props: { url: 'https://x.test' },
  }),
  // V7 u6: referral from news.example.org on blog.example.com: bounce.
  event({
    at: '2026-03-08T20:00:00Z',
    session: 's7',
    visitor: 'u6',
    path: '/blog/post-1',
    host: 'blog.example.com',
    ref: 'news.example.org',
    geo: ['US', 'NY', 'New York'],
    tech: ['desktop', 'Edge', 'Windows'],
  }),
  // V8 u2: 2026-03-09 00:30 Berlin: outside the Berlin week, inside the UTC one.
  event({
    at: '2026-03-08T23:30:00Z',
    session: 's8',
    visitor: 'u2',
    geo: ['US'],
    tech: ['mobile', 'Safari', 'iOS'],
  }),
  // Previous week (Berlin 2026-02-23 .. 2026-03-01): P1 u1 Google bounce; P2 u7 direct, 2 pageviews, 30 s.
  event({
    at: '2026-02-25T10:00:00Z',
    session: 'p1',
    visitor: 'u1',
    ref: 'google.com',
    geo: de,
    tech: ffLinux,
  }),
  event({ at: '2026-03-01T10:00:00Z', session: 'p2', visitor: 'u7', path: '/pricing', geo: ['DE'] }),
  event({ at: '2026-03-01T10:00:30Z', session: 'p2', visitor: 'u7', path: '/', geo: ['DE'] }),
  // DST day 2026-03-29 in Berlin is 23 hours: [2026-03-28T23:00Z, 2026-03-29T22:00Z).
  event({ at: '2026-03-28T22:59:00Z', session: 'd1', visitor: 'w1', path: '/dst' }), // 23:59 on the 28th
  event({ at: '2026-03-28T23:00:00Z', session: 'd2', visitor: 'w2', path: '/dst' }), // 00:00 on the 29th
  event({ at: '2026-03-29T01:30:00Z', session: 'd3', visitor: 'w3', path: '/dst' }), // 03:30 CEST
  event({ at: '2026-03-29T21:59:00Z', session: 'd4', visitor: 'w4', path: '/dst' }), // 23:59 CEST
  event({ at: '2026-03-29T22:00:00Z', session: 'd5', visitor: 'w5', path: '/dst' }), // 00:00 on the 30th
  // Site B reuses A's session and visitor ids in the same week: none of it may leak into A.
  event({
    site: siteB.id,
    at: '2026-03-03T10:00:00Z',
    session: 's1',
    visitor: 'u1',
    path: '/secret',
    ref: 'google.com',
    geo: ['DE'],
  }),
  event({
    site: siteB.id,
    at: '2026-03-03T10:30:00Z',
    session: 's1',
    visitor: 'u1',
    path: '/secret',
    geo: ['DE'],
  }),
  event({
    site: siteB.id,
    at: '2026-03-05T10:30:00Z',
    session: 'b9',
    visitor: 'u9',
    name: 'Signup',
    path: '/secret',
    geo: ['JP'],
  }),
];

export const week = { kind: 'custom', start: '2026-03-02', end: '2026-03-08' } as const;
export const nowMs = Date.parse('2026-03-10T12:00:00Z');
