import type http from 'node:http';
import { type Browser, chromium } from 'playwright-core';
import { freePort } from './ports.ts';

/** Debian's Chromium; `.ci/run` installs it. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A current desktop Chrome on Linux, for browser contexts: headless Chromium announces itself as
 * "HeadlessChrome", which the bot filter refuses.
 */
export const desktopUserAgent =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** Headless, and quiet: no background traffic, updates or sync that could reach the network. */
const headlessArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** The one way tests start Chromium; `extraArgs` come after the shared headless ones. */
export function launchHeadlessChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: [...headlessArgs, ...extraArgs] });
}

/**
 * Lets Chromium reach local test websites by name (`http://site.test:PORT`): each host maps to
 * 127.0.0.1, with no proxy and no automatic upgrade to HTTPS, so the Origin a page sends is the
 * site's own domain.
 */
export function localSiteArgs(hosts: readonly string[]): string[] {
  const rules = hosts.map((host) => `MAP ${host} 127.0.0.1`).join(', ');
  return ['--no-proxy-server', '--disable-features=HttpsUpgrades', `--host-resolver-rules=${rules}`];
}

/** Starts `server` on 127.0.0.1 at a free port below 32768; returns the port. */
export async function listenOnLoopback(server: http.Server): Promise<number> {
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return port;
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => server.close(() => resolve()));
}
