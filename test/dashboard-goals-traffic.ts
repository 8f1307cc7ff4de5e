import { serverDefaults, type TestServer } from './support/test-server.ts';

/**
 * The goals end-to-end fixture, small enough to count by hand. Four visitors of shop.example:
 *
 *   A  8.8.8.8      /  /pricing  purchase 99.99 USD  purchase 10.00 USD   (desktop default device)
 *   B  1.1.1.1      /blog        purchase 20.00 USD                       (mobile)
 *   C  8.8.4.4      /  /pricing
 *   D  81.2.69.142  /            donate 12.00 CHF (no exchange rate is loaded)
 *
 * Purchase (event purchase, USD): unique 2 (A, B), total 3, rate 2/4 = 50 %, revenue
 * 99.99 + 10.00 + 20.00 = 129.99 USD, average 129.99 / 3 = 43.33 USD.
 * Donation (event donate, EUR): unique 1, total 1, rate 25 %, revenue 0 EUR + 12.00 CHF unconverted.
 * Pricing (page /pricing): unique 2 (A, C), total 2, rate 50 %.
 */
interface FixtureEvent {
  readonly ip: string;
  readonly session: string;
  readonly path: string;
  readonly name?: string;
  readonly revenue?: { amount: string; currency: string };
  readonly device?: string;
}

const events: readonly FixtureEvent[] = [
  { ip: '8.8.8.8', session: 'sess-goal-a', path: '/' },
  { ip: '8.8.8.8', session: 'sess-goal-a', path: '/pricing' },
  {
    ip: '8.8.8.8',
    session: 'sess-goal-a',
    path: '/checkout',
    name: 'purchase',
    revenue: { amount: '99.99', currency: 'USD' },
  },
  {
    ip: '8.8.8.8',
    session: 'sess-goal-a',
    path: '/checkout',
    name: 'purchase',
    revenue: { amount: '10.00', currency: 'USD' },
  },
  { ip: '1.1.1.1', session: 'sess-goal-b', path: '/blog', device: 'mobile' },
  {
    ip: '1.1.1.1',
    session: 'sess-goal-b',
    path: '/blog',
    name: 'purchase',
    revenue: { amount: '20.00', currency: 'USD' },
    device: 'mobile',
  },
  { ip: '8.8.4.4', session: 'sess-goal-c', path: '/' },
  { ip: '8.8.4.4', session: 'sess-goal-c', path: '/pricing' },
  { ip: '81.2.69.142', session: 'sess-goal-d', path: '/' },
  {
    ip: '81.2.69.142',
    session: 'sess-goal-d',
    path: '/',
    name: 'donate',
    revenue: { amount: '12.00', currency: 'CHF' },
  },
];

/** Sends the fixture through the public ingest endpoint, 10 s apart on the server's clock. */
export async function sendGoalTraffic(server: TestServer, trackingCode: string): Promise<void> {
  for (const event of events) {
    const body = {
      ...serverDefaults,
      url: `https://shop.example${event.path}`,
      session_id: event.session,
      ...(event.device ? { device_type: event.device } : {}),
      ...(event.name ? { event_type: 'custom', event_name: event.name } : { event_type: 'pageview' }),
      ...(event.revenue ? { revenue: event.revenue } : {}),
    };
    const response = await fetch(`${server.url}/e/${trackingCode}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': event.ip },
      body: JSON.stringify(body),
    });
    if (response.status !== 202)
      throw new Error(`event refused: ${response.status} ${await response.text()}`);
    server.clock.advance(10_000);
  }
}
