import http from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Site } from '../../packages/server/src/store/types.ts';
import {
  closeServer,
  desktopUserAgent,
  launchHeadlessChromium,
  listenOnLoopback,
  localSiteArgs,
} from './browser.ts';
import { addSite, startTestServer, storedEvents, type TestServer } from './test-server.ts';

/**
 * A browser-test rig for the tracker: the real service (in process, real DuckDB), a tiny "website"
 * on 127.0.0.1 that Chromium reaches as http://site.test:PORT (a host-resolver rule maps the name,
 * so the Origin check sees the site's real domain), and one headless Chromium shared by the file.
 * Pages load z.js from the service at http://127.0.0.1:PORT/z.js, as a site would from its
 * analytics host.
 */

export interface TrackerRig {
  readonly server: TestServer;
  /** A new site (its own tracking code and events) for one test; domain `site.test` by default. */
  addSite(domain?: string): Promise<Site>;
  readonly sitePort: number;
  readonly browser: Browser;
  /** Pages the website serves, by path; `html()` builds them. */
  readonly pages: Map<string, string>;
  siteUrl(path: string, host?: string): string;
  /** The install snippet for a site with extra `data-*` attributes. */
  snippet(site: Site, attributes?: Record<string, string>): string;
  newPage(options?: { initScript?: string }): Promise<TrackedPage>;
  /** Waits (polling the store, bounded) until `count` events of the site are stored. */
  waitForEvents(site: Site, count: number): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface TrackedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Console errors and uncaught page errors seen so far; every test expects none. */
  readonly errors: string[];
  /** Requests the page made to the ingest endpoint. */
  readonly ingestRequests: string[];
  /** Calls of fetch() to the ingest endpoint, counted in the page itself (synchronous). */
  ingestCalls(): Promise<number>;
  close(): Promise<void>;
}

/** Counts the page's fetch() calls to /e/ before passing them on untouched. */
const countIngestCalls = `(() => {
  const original = window.fetch;
  window.zvIngestCalls = 0;
  window.fetch = function (input, init) {
    if (String(input).includes('/e/')) window.zvIngestCalls++;
    return original.call(this, input, init);
  };
})();`;

export function html(head: string, body = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">${head}</head><body>${body}</body></html>`;
}

export async function startTrackerRig(): Promise<TrackerRig> {
  const server = await startTestServer({
    // Every page of every test comes from 127.0.0.1 at one instant of the manual clock.
    config: { ingestLimits: [{ limit: 100_000, windowMs: 10_000 }] },
  });
  const pages = new Map<string, string>();
  const website = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    // A first-party proxy path, as a site would mount one: /zv/* goes to the service.
    if (path.startsWith('/zv/')) return proxy(request, response, `${server.url}${request.url!.slice(3)}`);
    const page = pages.get(path);
    if (page === undefined) {
      response.writeHead(path.startsWith('/files/') ? 200 : 404, { 'content-type': 'text/plain' });
      return response.end('ok');
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(page);
  });
  const sitePort = await listenOnLoopback(website);
  const browser = await launchHeadlessChromium(localSiteArgs(['site.test', 'other.test', 'localhost']));

  const rig: TrackerRig = {
    server,
    addSite: (domain = 'site.test') => addSite(server, domain),
    sitePort,
    browser,
    pages,
    siteUrl: (path, host = 'site.test') => `http://${host}:${sitePort}${path}`,
    snippet: (forSite, attributes = {}) => {
      const extra = Object.entries(attributes)
        .map(([name, value]) => ` data-${name}="${value}"`)
        .join('');
      return `<script defer data-tracking-code="${forSite.trackingCode}"${extra} src="${server.url}/z.js"></script>`;
    },
    async newPage(options = {}) {
      const context = await browser.newContext({ userAgent: desktopUserAgent });
      await context.addInitScript(countIngestCalls);
      if (options.initScript) await context.addInitScript(options.initScript);
      const page = await context.newPage();
      const errors: string[] = [];
      const ingestRequests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('request', (request) => {
        if (request.url().includes('/e/')) ingestRequests.push(request.url());
      });
      return {
        page,
        context,
        errors,
        ingestRequests,
        ingestCalls: () =>
          page.evaluate(() => (window as unknown as { zvIngestCalls: number }).zvIngestCalls),
        close: () => context.close(),
      };
    },
    async waitForEvents(forSite, count) {
      // Events travel browser -> server -> group commit; poll the store, with a bound.
      for (let attempt = 0; attempt < 200; attempt++) {
        const rows = await storedEvents(server, forSite.id);
        if (rows.length >= count) return rows;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const rows = await storedEvents(server, forSite.id);
      throw new Error(`expected ${count} events, ${rows.length} stored`);
    },
    async close() {
      await browser.close();
      await closeServer(website);
      await server.stop();
    },
  };
  return rig;
}

/** Forwards a request with its body and the headers the service reads; streams the answer back. */
async function proxy(request: http.IncomingMessage, response: http.ServerResponse, target: string) {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const name of ['origin', 'user-agent', 'content-type']) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const method = request.method ?? 'GET';
  const upstream = await fetch(target, {
    method,
    headers,
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
  });
  response.writeHead(upstream.status, {
    'content-type': upstream.headers.get('content-type') ?? 'text/plain',
  });
  response.end(Buffer.from(await upstream.arrayBuffer()));
}

/** Resolves once z.js has run on the page (the queue stub, if any, has been replaced). */
export async function trackerLoaded(page: Page): Promise<void> {
  await page.waitForFunction(() => typeof window.zenovay === 'function' && window.zenovay.z === 1);
}
