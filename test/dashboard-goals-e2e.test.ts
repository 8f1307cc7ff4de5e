import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { sendGoalTraffic } from './dashboard-goals-traffic.ts';
import { addSiteInUi, screenshot, type WatchedPage } from './dashboard-helpers.ts';
import { type OwnerDashboard, openDashboardAsOwner } from './support/owner-dashboard.ts';
import type { TestServer } from './support/test-server.ts';

// Goals in the dashboard, in real Chromium against a real server: managed in site settings, the
// Goals panel's numbers for a fixture counted by hand (dashboard-goals-traffic.ts), a click on a
// goal filtering every panel, and the revenue cards of a revenue goal.

const hostile = '<img src=x onerror="window.__pwned=1">';
let dashboard: OwnerDashboard | undefined;
let server: TestServer;
let watched: WatchedPage;
let page: Page;
let site: { id: string; trackingCode: string };

before(async () => {
  // The delete test answers its confirmations itself: it dismisses one, then accepts one.
  dashboard = await openDashboardAsOwner({ confirms: 'answered by the test' });
  ({ server, owner: watched } = dashboard);
  page = watched.page;
  site = await addSiteInUi(page, 'shop.example');
});

after(async () => dashboard?.close());

const form = '[data-testid=goal-form]';

async function addGoal(fields: {
  type?: 'event' | 'page';
  event?: string;
  path?: string;
  name?: string;
  currency?: string;
  properties?: Array<[string, string]>;
}): Promise<void> {
  await page.check(`${form} input[name=goal-type][value=${fields.type ?? 'event'}]`);
  if (fields.event !== undefined) await page.fill(`${form} input[name=event_name]`, fields.event);
  if (fields.path !== undefined) await page.fill(`${form} input[name=page_path]`, fields.path);
  await page.fill(`${form} input[name=name]`, fields.name ?? '');
  if ((fields.type ?? 'event') === 'event')
    await page.fill(`${form} input[name=currency]`, fields.currency ?? '');
  for (const [i, [key, value]] of (fields.properties ?? []).entries()) {
    await page.click(`${form} button:text("Match a property value")`);
    await page.fill(`${form} input[name=property-key-${i}]`, key);
    await page.fill(`${form} input[name=property-value-${i}]`, value);
  }
  await page.click(`${form} button[type=submit]`);
  server.clock.advance(1_000); // goals list oldest first: distinct creation times keep the order
}

/** Waits until reasons are shown under the given field (the form clears them on each submit). */
async function reasonsOf(field: string): Promise<string[]> {
  await page.waitForSelector(`${form} .field-errors[data-field="${field}"] li`);
  return page.$$eval(`${form} .field-errors[data-field="${field}"] li`, (items) =>
    items.map((item) => item.textContent ?? ''),
  );
}

async function listedGoals(): Promise<string[][]> {
  return page.$$eval('[data-testid=goals] .goal-list tbody tr', (rows) =>
    rows.map((row) => [...row.querySelectorAll('td')].slice(0, 4).map((cell) => cell.textContent ?? '')),
  );
}

async function waitForListed(count: number): Promise<void> {
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid=goals] .goal-list tbody tr').length === n,
    count,
  );
}

test('goals are added, refused next to their fields, renamed and deleted in site settings', async () => {
  await page.goto(`/sites/${site.id}/settings`);
  await page.waitForSelector('[data-testid=goals] p:text-is("No goals yet.")');

  await addGoal({ event: 'purchase', name: 'Purchase', currency: 'usd' });
  await waitForListed(1);
  await addGoal({ event: 'donate', name: 'Donation', currency: 'EUR' });
  await waitForListed(2);

  // A page path without its leading slash: the server's reason sits under the path input.
  await addGoal({ type: 'page', path: 'pricing', name: 'Pricing' });
  const pathReasons = await reasonsOf('page_path');
  assert.equal(pathReasons.length, 1);
  assert.match(pathReasons[0]!, /must start with "\/"/);
  await (await page.$(form))?.screenshot({ path: '/tmp/zenovay-goal-refusal.png' });
  await page.fill(`${form} input[name=page_path]`, '/pricing');
  await page.click(`${form} button[type=submit]`);
  await waitForListed(3);

  await addGoal({ event: 'signup', name: 'Pro signup', properties: [['plan', 'pro']] });
  await waitForListed(4);
  // At most three property matches: the button to add a fourth goes away.
  for (let i = 0; i < 3; i++) await page.click(`${form} button:text("Match a property value")`);
  assert.equal(await page.$(`${form} button:text("Match a property value")`), null);
  for (let i = 0; i < 3; i++) await page.click(`${form} .property-row[data-row="0"] button:text("Remove")`);

  // Names are unique per site; currencies are ISO 4217 codes in use.
  await addGoal({ event: 'checkout', name: 'Purchase' });
  assert.deepEqual(await reasonsOf('name'), [
    'this site already has a goal named "Purchase"; choose another name',
  ]);
  await addGoal({ event: 'checkout', name: 'Checkout', currency: 'XYZ' });
  assert.deepEqual(await reasonsOf('currency'), [
    'must be an ISO 4217 currency code in use, such as "USD" or "EUR"',
  ]);
  await page.fill(`${form} input[name=currency]`, '');

  await addGoal({ event: 'signup', name: hostile });
  await waitForListed(5);
  assert.deepEqual(await listedGoals(), [
    ['Purchase', 'Event', 'purchase', 'USD'],
    ['Donation', 'Event', 'donate', 'EUR'],
    ['Pricing', 'Page', '/pricing', '—'],
    ['Pro signup', 'Event', 'signup where plan = pro', '—'],
    [hostile, 'Event', 'signup', '—'],
  ]);
  assert.equal(await page.$('[data-testid=goals] img'), null, 'the name is text, not markup');

  // Rename: a taken name is refused next to the input; a free one is saved.
  await addGoal({ event: 'temp', name: 'Temp' });
  await waitForListed(6);
  const temp = '[data-testid=goals] .goal-list tbody tr:last-child';
  await page.click(`${temp} button:text("Rename")`);
  await page.fill(`${temp} input[name=rename]`, 'Pricing');
  await page.click(`${temp} button:text("Save")`);
  await page.waitForSelector(`${temp} .field-errors[data-field=name] li`);
  assert.equal(
    await page.textContent(`${temp} .field-errors[data-field=name] li`),
    'this site already has a goal named "Pricing"; choose another name',
  );
  await page.fill(`${temp} input[name=rename]`, 'Temporary');
  await page.click(`${temp} button:text("Save")`);
  await page.waitForSelector(`${temp} td.goal-name:text-is("Temporary")`);

  // Delete asks first; dismissing keeps the goal, accepting deletes it.
  let question = '';
  page.once('dialog', (dialog) => {
    question = dialog.message();
    void dialog.dismiss();
  });
  await page.click(`${temp} button:text("Delete")`);
  assert.match(question, /^Delete the goal "Temporary"\? Its events are kept/);
  assert.equal((await listedGoals()).length, 6);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.click(`${temp} button:text("Delete")`);
  await waitForListed(5);

  const stored = await server.runtime.goals.list(site.id);
  assert.deepEqual(
    stored.map((goal) => [goal.name, goal.kind, goal.eventName, goal.pagePath, goal.currency]),
    [
      ['Purchase', 'event', 'purchase', null, 'USD'],
      ['Donation', 'event', 'donate', null, 'EUR'],
      ['Pricing', 'page', null, '/pricing', null],
      ['Pro signup', 'event', 'signup', null, null],
      [hostile, 'event', 'signup', null, null],
    ],
  );
  await screenshot(page, 'goal-settings');
});

async function goalPanelRows(): Promise<Record<string, string[]>> {
  await page.waitForSelector('[data-panel=goals] tbody tr');
  const rows = await page.$$eval('[data-panel=goals] tbody tr', (trs) =>
    trs.map((tr) => [
      tr.querySelector('.row-filter')?.textContent ?? '',
      ...[...tr.querySelectorAll('td.num')].map((cell) =>
        [...cell.childNodes].map((node) => (node.textContent ?? '').replace(/\u00a0/g, ' ')).join(' | '),
      ),
    ]),
  );
  return Object.fromEntries(rows.map(([name, ...cells]) => [name!, cells]));
}

test('the Goals panel shows each goal’s conversions, rate and revenue for a hand-counted fixture', async () => {
  await sendGoalTraffic(server, site.trackingCode);
  await page.goto(`/sites/${site.id}`);
  assert.deepEqual(await goalPanelRows(), {
    Purchase: ['2', '3', '50%', '$129.99'],
    Pricing: ['2', '2', '50%', '—'],
    Donation: ['1', '1', '25%', '€0.00 | + CHF 12.00 unconverted'],
    'Pro signup': ['0', '0', '0%', '—'],
    [hostile]: ['0', '0', '0%', '—'],
  });
  assert.equal(await page.$('[data-panel=goals] img'), null);
  await screenshot(page, 'goals-panel');
});

async function cards(): Promise<Record<string, string>> {
  await page.waitForSelector('[data-testid=top-stats][aria-busy=false]');
  const list = await page.$$eval('[data-testid=top-stats] .stat', (stats) =>
    stats.map((stat) => [
      stat.getAttribute('data-metric') ?? '',
      `${stat.querySelector('.stat-value')?.textContent ?? ''}${
        stat.querySelector('.stat-note') ? ` ${stat.querySelector('.stat-note')?.textContent}` : ''
      } (${stat.querySelector('.change')?.textContent ?? ''})`.replace(/\u00a0/g, ' '),
    ]),
  );
  return Object.fromEntries(list);
}

async function rowsOf(panel: string): Promise<string[][]> {
  return page.$$eval(`[data-panel=${panel}] tbody tr`, (trs) =>
    trs.map((tr) => [
      (tr.querySelector('.row-filter, .row-label')?.textContent ?? '').trim(),
      ...[...tr.querySelectorAll('td.num')].map((cell) => cell.textContent ?? ''),
    ]),
  );
}

/** Waits until a panel shows exactly `count` rows (its answer to the current filters). */
async function waitForRows(panel: string, count: number): Promise<void> {
  await page.waitForFunction(
    ([name, n]) => document.querySelectorAll(`[data-panel=${name}] tbody tr`).length === n,
    [panel, count] as const,
  );
}

test('clicking a goal filters every panel, and a revenue goal adds revenue to the top stats', async () => {
  await page.goto(`/sites/${site.id}`);
  await page.waitForSelector('[data-panel=goals] tbody tr');
  const unfiltered = await cards();
  assert.deepEqual(Object.keys(unfiltered), [
    'visitors',
    'visits',
    'pageviews',
    'views_per_visit',
    'bounce_rate',
    'visit_duration',
  ]);
  assert.equal(unfiltered.visitors, '4 (new)');

  await page.click('[data-panel=goals] button.row-filter:text-is("Purchase")');
  await page.waitForURL((url) => url.searchParams.getAll('f').includes('event:goal|Purchase'));
  assert.equal(
    (await page.textContent('[data-testid=filters] .chip[data-dimension="event:goal"] .chip-text'))?.trim(),
    'Goal is Purchase',
  );
  // Nothing happened in the previous week: every badge says "new".
  assert.deepEqual(await cards(), {
    visitors: '2 (new)',
    events: '3 (new)',
    conversion_rate: '50% (new)',
    total_revenue: '$129.99 (new)',
    average_revenue: '$43.33 (new)',
  });
  // The other panels count the converters only: A (desktop default "server") and B (mobile).
  await waitForRows('devices', 2);
  assert.deepEqual((await rowsOf('devices')).sort(), [
    ['mobile', '1'],
    ['server', '1'],
  ]);
  await waitForRows('goals', 1);
  assert.deepEqual(await rowsOf('goals'), [['Purchase', '2', '3', '50%', '$129.99']]);
  // Top pages are where the goal was completed: A bought on /checkout, B on /blog, each page's
  // only visitor converting there (100 %).
  await waitForRows('pages', 2);
  assert.deepEqual((await rowsOf('pages')).sort(), [
    ['/blog', '1', '100%'],
    ['/checkout', '1', '100%'],
  ]);
  await screenshot(page, 'dashboard-goal-filtered');
  // The conversion cards chart; the revenue cards are not buttons.
  for (const metric of ['events', 'conversion_rate']) {
    await page.click(`[data-testid=top-stats] button[data-metric=${metric}]`);
    await page.waitForURL((url) => url.searchParams.get('metric') === metric);
    await page.waitForFunction(
      (want) => document.querySelector('.chart-readout')?.textContent?.startsWith(want),
      metric === 'events' ? 'Mar 10: 3 total conversions' : 'Mar 10: 50% conversion rate',
    );
  }
  assert.equal(await page.$('[data-testid=top-stats] button[data-metric=total_revenue]'), null);
  assert.equal(await page.$('[data-panel=chart] .panel-error'), null);

  // The chip is removed like any filter; then a goal without currency has no revenue cards.
  await page.click('[data-testid=filters] .chip[data-dimension="event:goal"] .chip-remove');
  await page.waitForURL((url) => !url.search.includes('event%3Agoal'));
  assert.deepEqual(Object.keys(await cards()).length, 6);
  await page.click('[data-panel=goals] button.row-filter:text-is("Pricing")');
  await page.waitForURL((url) => url.searchParams.getAll('f').includes('event:goal|Pricing'));
  assert.deepEqual(await cards(), {
    visitors: '2 (new)',
    events: '2 (new)',
    conversion_rate: '50% (new)',
  });
  await waitForRows('pages', 1);
  assert.deepEqual(await rowsOf('pages'), [['/pricing', '2', '100%']]);

  // Revenue that could not be converted is told apart, never counted as 0.
  await page.goto(`/sites/${site.id}?f=${encodeURIComponent('event:goal|Donation')}`);
  const donation = await cards();
  assert.equal(donation.total_revenue, '€0.00 + CHF 12.00 unconverted (new)');

  // The hostile name filters like any other and stays text in the chip.
  await page.goto(`/sites/${site.id}`);
  await page.click(
    `[data-panel=goals] button.row-filter[title="Filter by goal: ${hostile.replaceAll('"', '\\"')}"]`,
  );
  await page.waitForSelector('[data-testid=filters] .chip[data-dimension="event:goal"]');
  assert.equal(
    (await page.textContent('[data-testid=filters] .chip[data-dimension="event:goal"] strong')) ?? '',
    hostile,
  );
  assert.equal(await page.evaluate(() => (window as { __pwned?: number }).__pwned), undefined);
  assert.equal(await page.$('img'), null);
  // The refusals the settings test provoked (400 invalid, 409 name taken) are the only errors.
  assert.deepEqual(
    watched.problems.filter((p) => !/status of (400|409) /.test(p)),
    [],
  );
});

test('no goals: the panel says so and links to the settings', async () => {
  const other = await addSiteInUi(page, 'empty.example');
  await page.goto(`/sites/${other.id}`);
  await page.waitForSelector('[data-testid=goals-empty]');
  assert.equal(
    (await page.textContent('[data-testid=goals-empty]'))?.trim(),
    'No goals yet — add one in site settings.',
  );
  await page.click('[data-testid=goals-empty] a');
  await page.waitForURL((url) => url.pathname === `/sites/${other.id}/settings`);
  await page.waitForSelector('[data-testid=goals]');
});

test('a link naming a goal that no longer exists shows all traffic and says why', async () => {
  await page.goto(`/sites/${site.id}?f=${encodeURIComponent('event:goal|Renamed long ago')}`);
  await page.waitForSelector('[data-testid=dropped-goal]');
  assert.equal(
    (await page.textContent('[data-testid=dropped-goal]'))?.trim(),
    'The goal “Renamed long ago” no longer exists (renamed or deleted), so this view shows all traffic.',
  );
  await page.waitForURL((url) => !url.searchParams.getAll('f').some((f) => f.startsWith('event:goal|')));
  assert.equal(await page.$('[data-testid=filters] .chip[data-dimension="event:goal"]'), null);
  await page.waitForSelector('[data-testid=top-stats][aria-busy=false]');
});
