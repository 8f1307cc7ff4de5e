import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parseStatsQuery, type StatsEngine, type StatsResponse } from '../packages/server/src/stats/index.ts';
import { desktopUserAgent, launchHeadlessChromium } from './support/browser.ts';
import { serverDefaults, type TestServer } from './support/test-server.ts';

export const screenshotDir = path.resolve('test-results/screenshots');

/** Config for dashboard tests: the test itself is the trusted proxy, so X-Forwarded-For picks the country. */
export const dashboardTestConfig = { trustedProxyCidrs: ['127.0.0.1/32'] };

const builtIndex = path.resolve('packages/dashboard/dist/index.html');

/** Chromium for dashboard tests, which serve the built dashboard: refuses early when it is not built. */
export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(builtIndex)) {
    throw new Error(
      'the dashboard is not built: run `npm run build -w @zenovay/dashboard` (npm install does it)',
    );
  }
  return launchHeadlessChromium();
}

export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Uncaught errors, console errors and CSP violations seen so far. */
  readonly problems: string[];
}

/** A desktop-sized page that records script errors and Content-Security-Policy violations. */
export async function openPage(browser: Browser, baseURL: string): Promise<WatchedPage> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1360, height: 1000 },
    userAgent: desktopUserAgent,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  if (process.env.ZV_DEBUG_RESPONSES)
    page.on('response', (response) => {
      if (response.status() >= 400) console.log(response.status(), response.url());
    });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return { page, context, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Creates the first account through the setup page and waits for the sites list. */
export async function setUpFirstUser(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/');
  await page.waitForURL('**/setup**');
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL('**/sites');
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** Adds a site through the form; returns its id and tracking code from the settings page it opens. */
export async function addSiteInUi(page: Page, domain: string): Promise<{ id: string; trackingCode: string }> {
  await page.goto('/sites');
  await page.fill('[data-testid=add-site] input[name=domain]', domain);
  await page.selectOption('[data-testid=add-site] select[name=timezone]', 'UTC');
  await page.click('[data-testid=add-site] button[type=submit]');
  await page.waitForSelector('[data-testid=site-created]');
  const id = /\/sites\/([^/]+)\/settings/.exec(page.url())?.[1];
  const trackingCode = (await page.textContent('[data-testid=tracking-code]'))?.trim();
  if (!id || !trackingCode) throw new Error('the settings page did not show the new site');
  return { id: decodeURIComponent(id), trackingCode };
}

export interface TestEvent {
  readonly ip: string;
  readonly url: string;
  readonly session: string;
  readonly referrer?: string;
  readonly name?: string;
  readonly properties?: Record<string, string | number | boolean>;
  readonly device?: string;
  readonly browser?: string;
  readonly os?: string;
}

/** `POST /e/{code}` as a browser-less client behind our trusted proxy, from the given visitor IP. */
export async function sendEvent(server: TestServer, trackingCode: string, event: TestEvent): Promise<void> {
  const body = {
    ...serverDefaults,
    url: event.url,
    session_id: event.session,
    ...(event.referrer ? { referrer: event.referrer } : {}),
    ...(event.name
      ? { event_type: 'custom', event_name: event.name, properties: event.properties ?? {} }
      : {}),
    ...(event.device ? { device_type: event.device } : {}),
    ...(event.browser ? { browser: event.browser } : {}),
    ...(event.os ? { os: event.os } : {}),
  };
  const response = await fetch(`${server.url}/e/${trackingCode}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': event.ip },
    body: JSON.stringify(body),
  });
  if (response.status !== 202) throw new Error(`event refused: ${response.status} ${await response.text()}`);
}

/** What the engine itself answers for a Plausible v2 query: the numbers the page must show. */
export async function engineAnswer(
  server: TestServer,
  engine: StatsEngine,
  body: Record<string, unknown>,
): Promise<StatsResponse> {
  const sites = await server.runtime.metadata.listSites();
  const parsed = await parseStatsQuery(body, (id) => sites.find((site) => site.id === id));
  if (!parsed.ok) throw new Error(`bad query: ${JSON.stringify(parsed.errors)}`);
  return engine.query(parsed.query, parsed.site, server.clock.now());
}
