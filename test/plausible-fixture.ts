/**
 * One small site, `dummy.site` (the domain Plausible's reference uses, so its example requests run
 * unchanged), whose every answer below was computed by hand. Now is Tue 2026-03-10 12:00 UTC; the
 * site (time zone UTC) was added on 2025-01-01. Visitors are named by `visitor_id`, visits by
 * `session_id`; countries come from X-Forwarded-For through a trusted proxy (127.0.0.1).
 *
 * visit  visitor  day         country (IP)   events (time: page / event)                        referrer
 * s1     A        2026-03-09  US 8.8.8.8     10:00:00 pv /  · 10:01:40 pv blog.dummy.site/blog/one  www.google.com/search
 *                                            · 10:02:00 Signup {plan: pro} on blog.dummy.site/blog/one
 * s2     B        2026-03-09  AU 1.1.1.1     11:00:00 pv /blog/one                               news.ycombinator.com/item?id=1
 * s3     A        2026-03-08  US 8.8.8.8     09:00:00 pv /  · 09:00:30 Signup {plan: free} on /   (none)
 * s4     C        2026-03-05  GB 81.2.69.142 14:00:00 pv /pricing · 14:00:10 Purchase 25.50 USD   (none)
 * s5     D        2026-03-10  (none)         08:00:00 pv /blog/two                               (none)
 * s6     B        2026-02-20  AU 1.1.1.1     10:00:00 pv /pricing                                (none)
 * s7     E        2025-12-15  US 8.8.8.8     10:00:00 pv /                                       (none)
 * s8     F        2025-06-10  US 8.8.8.8     10:00:00 pv /                                       (none)
 *
 * Per visit: s1 2 pageviews, 120 s, not a bounce; s2 bounce, 0 s; s3 not a bounce (a custom
 * event), 30 s; s4 not a bounce, 10 s; s5–s8 bounces, 0 s.
 * Goals: Signup (event Signup), Purchase (event Purchase, revenue in USD).
 */
import assert from 'node:assert/strict';
import type { Site } from '../packages/server/src/store/types.ts';
import { apiBase, createKey } from './api-helpers.ts';
import { postEvent, postJson, startTestServer, type TestServer } from './support/test-server.ts';

export const now = '2026-03-10T12:00:00Z';

interface Send {
  readonly at: string;
  readonly visitor: string;
  readonly session: string;
  readonly ip: string;
  readonly url: string;
  readonly referrer?: string;
  readonly name?: string;
  readonly props?: Record<string, string>;
  readonly revenue?: { amount: string; currency: string };
}

const sends: readonly Send[] = [
  {
    at: '2026-03-09T10:00:00Z',
    visitor: 'visitor-A',
    session: 'plausible-s1',
    ip: '8.8.8.8',
    url: 'https://dummy.site/',
    referrer: 'https://www.google.com/search?q=dummy',
  },
  {
    at: '2026-03-09T10:01:40Z',
    visitor: 'visitor-A',
    session: 'plausible-s1',
    ip: '8.8.8.8',
    url: 'https://blog.dummy.site/blog/one',
    referrer: 'https://www.google.com/search?q=dummy',
  },
  {
    at: '2026-03-09T10:02:00Z',
    visitor: 'visitor-A',
    session: 'plausible-s1',
    ip: '8.8.8.8',
    url: 'https://blog.dummy.site/blog/one',
    name: 'Signup',
    props: { plan: 'pro' },
  },
  {
    at: '2026-03-09T11:00:00Z',
    visitor: 'visitor-B',
    session: 'plausible-s2',
    ip: '1.1.1.1',
    url: 'https://dummy.site/blog/one',
    referrer: 'https://news.ycombinator.com/item?id=1',
  },
  {
    at: '2026-03-08T09:00:00Z',
    visitor: 'visitor-A',
    session: 'plausible-s3',
    ip: '8.8.8.8',
    url: 'https://dummy.site/',
  },
  {
    at: '2026-03-08T09:00:30Z',
    visitor: 'visitor-A',
    session: 'plausible-s3',
    ip: '8.8.8.8',
    url: 'https://dummy.site/',
    name: 'Signup',
    props: { plan: 'free' },
  },
  {
    at: '2026-03-05T14:00:00Z',
    visitor: 'visitor-C',
    session: 'plausible-s4',
    ip: '81.2.69.142',
    url: 'https://dummy.site/pricing',
  },
  {
    at: '2026-03-05T14:00:10Z',
    visitor: 'visitor-C',
    session: 'plausible-s4',
    ip: '81.2.69.142',
    url: 'https://dummy.site/pricing',
    name: 'Purchase',
    revenue: { amount: '25.50', currency: 'USD' },
  },
  {
    at: '2026-03-10T08:00:00Z',
    visitor: 'visitor-D',
    session: 'plausible-s5',
    ip: '127.0.0.1',
    url: 'https://dummy.site/blog/two',
  },
  {
    at: '2026-02-20T10:00:00Z',
    visitor: 'visitor-B',
    session: 'plausible-s6',
    ip: '1.1.1.1',
    url: 'https://dummy.site/pricing',
  },
  {
    at: '2025-12-15T10:00:00Z',
    visitor: 'visitor-E',
    session: 'plausible-s7',
    ip: '8.8.8.8',
    url: 'https://dummy.site/',
  },
  {
    at: '2025-06-10T10:00:00Z',
    visitor: 'visitor-F',
    session: 'plausible-s8',
    ip: '8.8.8.8',
    url: 'https://dummy.site/',
  },
];

export interface PlausibleFixture {
  readonly server: TestServer;
  readonly site: Site;
  /** A read key for every site. */
  readonly key: string;
}

export async function startPlausibleFixture(): Promise<PlausibleFixture> {
  const server = await startTestServer({ config: { trustedProxyCidrs: ['127.0.0.1/32'] } });
  server.clock.set(Date.parse('2025-01-01T00:00:00Z'));
  const site = await server.runtime.sites.add('dummy.site');
  for (const send of sends) {
    server.clock.set(Date.parse(send.at));
    const response = await postEvent(
      server,
      site.trackingCode,
      {
        url: send.url,
        session_id: send.session,
        visitor_id: send.visitor,
        device_type: 'desktop',
        browser: 'Firefox',
        os: 'Linux',
        user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
        ...(send.referrer ? { referrer: send.referrer } : {}),
        ...(send.name ? { event_type: 'custom', event_name: send.name } : { event_type: 'pageview' }),
        ...(send.props ? { properties: send.props } : {}),
        ...(send.revenue ? { revenue: send.revenue } : {}),
      },
      { 'x-forwarded-for': send.ip },
    );
    assert.equal(response.status, 202, JSON.stringify(response.body));
  }
  server.clock.set(Date.parse(now));
  const writeKey = await createKey(server, { permissions: ['read', 'write'] });
  for (const goal of [
    { type: 'event', name: 'Signup', event_name: 'Signup' },
    { type: 'event', name: 'Purchase', event_name: 'Purchase', currency: 'USD' },
  ]) {
    const created = await postJson(`${server.url}${apiBase}/websites/${site.id}/goals`, goal, {
      'x-api-key': writeKey,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  }
  await server.runtime.eventsLoaded();
  return { server, site, key: await createKey(server) };
}
