import assert from 'node:assert/strict';
import { postEvent, serverDefaults, type TestServer } from './test-server.ts';

// The funnel "/pricing, then Signup" is checked over the REST API and in the dashboard on the same
// visitors, counted by hand; both tests send them through here so that the counts they assert
// are about one and the same traffic.

/**
 * Adds the event goal Signup (event `signup`) to `site` and sends, as server-side events:
 * ann /pricing, then signup a minute later; bob /pricing only; cat signup only. The funnel
 * /pricing → Signup so counts 2 visitors (ann, bob), then 1 (ann).
 */
export async function sendPricingThenSignupTraffic(
  server: TestServer,
  site: { id: string; trackingCode: string },
): Promise<void> {
  await server.runtime.goals.create(site.id, { type: 'event', name: 'Signup', event_name: 'signup' });
  const send = async (user: string, body: Record<string, unknown>) => {
    const response = await postEvent(server, site.trackingCode, {
      ...serverDefaults,
      session_id: `srv-${user}-visit`,
      user_id: user,
      ...body,
    });
    assert.equal(response.status, 202, JSON.stringify(response.body));
  };
  await send('ann', { url: 'https://shop.example/pricing' });
  await send('bob', { url: 'https://shop.example/pricing' });
  server.clock.advance(60_000);
  await send('ann', { url: 'https://shop.example/app', event_type: 'custom', event_name: 'signup' });
  await send('cat', { url: 'https://shop.example/app', event_type: 'custom', event_name: 'signup' });
}
