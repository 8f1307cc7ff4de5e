import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { addSiteInUi, screenshot, type WatchedPage } from './dashboard-helpers.ts';
import { sendPricingThenSignupTraffic } from './support/funnel-traffic.ts';
import { type OwnerDashboard, openDashboardAsOwner } from './support/owner-dashboard.ts';
import type { TestServer } from './support/test-server.ts';

// Funnels in the dashboard, in real Chromium against a real server: built in site settings (the
// one-step state, refusals under the step they name, a preview), then the dashboard's Funnels card
// with a bar per step, readable names and numbers, the drop-off between steps, and the empty state.
// Traffic (counted by hand): ann /pricing → signup; bob /pricing; cat signup only → 2, then 1.

let dashboard: OwnerDashboard | undefined;
let server: TestServer;
let watched: WatchedPage;
let page: Page;
let site: { id: string; trackingCode: string };

before(async () => {
  dashboard = await openDashboardAsOwner({ confirms: 'accept' });
  ({ server, owner: watched } = dashboard);
  page = watched.page;
  site = await addSiteInUi(page, 'shop.example');
  await sendPricingThenSignupTraffic(server, site);
  await server.runtime.eventsLoaded();
});

after(async () => dashboard?.close());

const form = '[data-testid=funnel-form]';
const card = '[data-panel=funnels]';

test('no funnel yet: the dashboard card says so and links to the builder', async () => {
  await page.goto(`/sites/${encodeURIComponent(site.id)}`);
  await page.waitForSelector(`${card} [data-testid=funnels-empty]`);
  assert.match((await page.textContent(`${card} [data-testid=funnels-empty]`)) ?? '', /No funnels yet/);
});

test('the builder: one step, refusals under their step, a preview, then saved', async () => {
  await page.goto(`/sites/${encodeURIComponent(site.id)}/settings#funnels`);
  await page.waitForSelector(form);
  // One step: the builder says a funnel needs two and will not preview.
  await page.click(`${form} button[aria-label="Remove step 2"]`);
  await page.waitForSelector(`${form} [data-testid=funnel-one-step]`);
  assert.equal(await page.isDisabled(`${form} button:text("Preview (last 30 days)")`), true);
  await page.fill(`${form} input[name=funnel-name]`, 'Pricing to signup');
  await page.fill(`${form} input[name=step-value-0]`, '/pricing');
  await page.click(`${form} button[type=submit]`);
  await page.waitForSelector('[data-testid=funnel-refusal]');
  assert.match(
    (await page.textContent('[data-testid=funnel-refusal]')) ?? '',
    /a funnel has 2 to 8 steps; got 1/,
  );

  // A second step with a bad wildcard: refused under that step, by the server's reason.
  await page.click(`${form} button:text("Add a step")`);
  await page.fill(`${form} input[name=step-value-1]`, '/a/***');
  await page.click(`${form} button[type=submit]`);
  await page.waitForSelector(`${form} [data-field="steps[1]"]`);
  assert.equal(
    (await page.textContent(`${form} [data-field="steps[1]"]`))?.trim(),
    'use * (within a segment) or ** (across segments), not three or more',
  );

  // The goal as step 2, previewed, then saved.
  await page.selectOption(`${form} select[name=step-type-1]`, 'goal');
  await page.selectOption(`${form} select[name=step-value-1]`, 'Signup');
  await page.fill(`${form} input[name=funnel-window]`, '1h');
  await page.click(`${form} button:text("Preview (last 30 days)")`);
  await page.waitForSelector('[data-testid=funnel-preview] [data-testid=funnel-bars]');
  assert.deepEqual(
    await page.$$eval('[data-testid=funnel-preview] [data-testid=funnel-visitors]', (els) =>
      els.map((el) => el.textContent),
    ),
    ['2', '1'],
  );
  await page.click(`${form} button[type=submit]`);
  await page.waitForSelector('[data-testid=funnels-notice]');
  assert.equal(await page.textContent('[data-testid=funnels-notice]'), 'Funnel "Pricing to signup" saved.');
  assert.match(
    (await page.textContent('[data-testid=funnels] .funnel-list')) ?? '',
    /\/pricing → goal Signup/,
  );
  await screenshot(page, 'funnels-settings');
});

test('the dashboard card: a bar per step, readable names and numbers, the drop-off', async () => {
  await page.goto(`/sites/${encodeURIComponent(site.id)}`);
  await page.waitForSelector(`${card} [data-testid=funnel-bars]`);
  const steps = await page.$$eval(`${card} .funnel-step`, (items) =>
    items.map((item) => {
      const name = item.querySelector('.funnel-name') as HTMLElement;
      const bar = item.querySelector('.funnel-bar') as HTMLElement;
      const track = item.querySelector('.funnel-track') as HTMLElement;
      const numbers = item.querySelector('.funnel-numbers') as HTMLElement;
      const fontSize = Number.parseFloat(getComputedStyle(name).fontSize);
      return {
        name: name.textContent,
        visitors: item.querySelector('[data-testid=funnel-visitors]')?.textContent,
        share: numbers.querySelector('.small')?.textContent,
        // The whole name shows (not cut off), in a size people read.
        nameFits: name.scrollWidth <= name.clientWidth && fontSize >= 12,
        barPercent: Math.round(
          (bar.getBoundingClientRect().width / track.getBoundingClientRect().width) * 100,
        ),
        // The numbers sit beside the bar, never on top of it.
        numbersApart: numbers.getBoundingClientRect().left >= track.getBoundingClientRect().right,
      };
    }),
  );
  assert.deepEqual(steps, [
    { name: '/pricing', visitors: '2', share: '100%', nameFits: true, barPercent: 100, numbersApart: true },
    { name: 'Signup', visitors: '1', share: '50%', nameFits: true, barPercent: 50, numbersApart: true },
  ]);
  assert.deepEqual(
    await page.$$eval(`${card} [data-testid=funnel-drop]`, (els) =>
      els.map((el) => el.textContent?.replace(/\s+/g, ' ').trim()),
    ),
    ['↓ 1 dropped off (50%)'],
  );
  await screenshot(page, 'funnels-dashboard');
});

test('a period nobody entered: the card says so instead of empty bars', async () => {
  // This view's problems only: the builder's test above is refused on purpose (400s in the console).
  watched.problems.length = 0;
  await page.goto(`/sites/${encodeURIComponent(site.id)}?period=custom&from=2026-01-01&to=2026-01-02`);
  await page.waitForSelector(`${card} [data-testid=funnel-empty]`);
  assert.deepEqual(
    await page.$$eval(`${card} [data-testid=funnel-visitors]`, (els) => els.map((el) => el.textContent)),
    ['0', '0'],
  );
  assert.deepEqual(watched.problems, []);
});
