/**
 * The hybrid case end to end: browsing tracked by z.js in real Chromium, the purchase confirmed by
 * a backend through the Node SDK with the visit id the page handed over (`zenovay('session')`),
 * and the REST stats query showing the revenue under the visit's source, channel, campaign and
 * entry page, counted as one visitor.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from '../packages/node/src/index.ts';
import { apiBase, createKey } from './api-helpers.ts';
import { postJson } from './support/test-server.ts';
import { html, startTrackerRig, type TrackerRig, trackerLoaded } from './support/tracker-site.ts';

let rig: TrackerRig;
before(async () => {
  rig = await startTrackerRig();
});
after(() => rig.close());

test('a server-side purchase counts under the browser visit it names', async () => {
  const site = await rig.addSite();
  rig.pages.set('/landing', html(rig.snippet(site), '<h1>Spring sale</h1>'));
  const tab = await rig.newPage();
  await tab.page.goto(rig.siteUrl('/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring'));
  await trackerLoaded(tab.page);
  const [pageview] = await rig.waitForEvents(site, 1);
  const sessionId = await tab.page.evaluate(
    () => new Promise<string | null>((resolve) => window.zenovay!('session', resolve)),
  );
  assert.equal(sessionId, pageview?.session_id);
  assert.deepEqual(tab.errors, []);

  // The shop's backend, after the payment provider confirmed the order.
  const client = createClient({ trackingCode: site.trackingCode, host: rig.server.url });
  const sent = await client.trackEvent('purchase', {
    url: 'https://site.test/checkout/success',
    sessionId: String(sessionId),
    properties: { order_id: 'ORD-7781', value: 49.9, currency: 'EUR' },
  });
  assert.equal(sent.ok, true, JSON.stringify(sent));
  await client.shutdown();
  const rows = await rig.waitForEvents(site, 2);
  assert.equal(rows[1]?.visitor_id, rows[0]?.visitor_id, 'the purchase is the browser visitor');

  await rig.server.runtime.goals.create(site.id, {
    type: 'event',
    name: 'Purchase',
    event_name: 'purchase',
    currency: 'EUR',
  });
  const key = await createKey(rig.server, { siteId: site.id, permissions: ['read'] });
  const response = await postJson(
    `${rig.server.url}${apiBase}/stats/query`,
    {
      site_id: site.id,
      date_range: 'today',
      dimensions: ['visit:source', 'visit:channel', 'visit:utm_campaign', 'visit:entry_page'],
      metrics: ['visitors', 'conversion_rate', 'total_revenue'],
      filters: [['is', 'event:goal', ['Purchase']]],
    },
    { 'x-api-key': key },
  );
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.deepEqual(response.body.data.results, [
    {
      dimensions: ['newsletter', 'Email', 'spring', '/landing'],
      metrics: [1, 100, { value: '49.90', currency: 'EUR' }],
    },
  ]);
});
