import type { Browser } from 'playwright-core';
import {
  dashboardTestConfig,
  launchChromium,
  openPage,
  setUpFirstUser,
  type WatchedPage,
} from '../dashboard-helpers.ts';
import { startTestServer, type TestServer } from './test-server.ts';

// The dashboard end-to-end tests of goals, funnels and shared links begin alike: a real server,
// headless Chromium, one watched page, and the first account made through the setup page, so
// that the page is signed in as the owner. This opens all of that once, for each of them.

const ownerEmail = 'owner@example.com';
const ownerPassword = 'correct horse battery staple';

export interface OwnerDashboard {
  readonly server: TestServer;
  readonly browser: Browser;
  /** The owner's page, signed in on the sites list, with the problems it records. */
  readonly owner: WatchedPage;
  /** Closes Chromium, then stops the server. */
  close(): Promise<void>;
}

/**
 * Starts a server with the dashboard test config and signs its first user (the owner) in, in
 * Chromium. Only a confirm dialog may open on the owner's page — an alert or a prompt would be
 * injected script, and throws. `confirms: 'accept'` accepts every confirm (the test clicks
 * through deletes and revokes); `'answered by the test'` leaves each to the test's own
 * `page.once('dialog', …)`, for a test that also dismisses one.
 */
export async function openDashboardAsOwner(options: {
  confirms: 'accept' | 'answered by the test';
}): Promise<OwnerDashboard> {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.stop();
  };
  try {
    server = await startTestServer({ config: dashboardTestConfig });
    browser = await launchChromium();
    const owner = await openPage(browser, server.url);
    owner.page.on('dialog', (dialog) => {
      if (dialog.type() !== 'confirm') throw new Error(`unexpected ${dialog.type()}: ${dialog.message()}`);
      if (options.confirms === 'accept') void dialog.accept();
    });
    await setUpFirstUser(owner.page, ownerEmail, ownerPassword);
    return { server, browser, owner, close };
  } catch (error) {
    await close();
    throw error;
  }
}
