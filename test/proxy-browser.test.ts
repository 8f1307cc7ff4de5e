import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createProxyHandler } from '../packages/node/src/index.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { gbVisitor, type Recorder, type SeenRequest, startRecorder } from './proxy-helpers.ts';
import {
  closeServer,
  desktopUserAgent,
  launchHeadlessChromium,
  listenOnLoopback,
  localSiteArgs,
} from './support/browser.ts';
import { addSite, startTestServer, storedEvents, type TestServer } from './support/test-server.ts';
import { html, trackerLoaded } from './support/tracker-site.ts';

// Chromium loads a page from the "site" origin http://site.test:PORT (a host-resolver rule maps the
// name to 127.0.0.1). The site is a staging site behind HTTP Basic auth that sets a session cookie,
// and mounts @zenovay/node's proxy at /zv: the page loads /zv/z.js and posts to /zv/e/{code}. The
// site's edge reports the browser (which connects from 127.0.0.1) as 81.2.69.142 — the proxy passes
// that on with its key. A recording hop in front of the service shows what reached it.
const credentials = { username: 'staff', password: 'staging-secret' };
const expectedAuthorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;

let server: TestServer;
let recorder: Recorder;
let site: Site;
let sitePort: number;
let website: http.Server;
let browser: Browser;
/** Requests for /zv/* as the site received them from the browser. */
const atSite: SeenRequest[] = [];

before(async () => {
  server = await startTestServer();
  recorder = await startRecorder(server);
  site = await addSite(server, 'site.test');
  const { key } = await server.runtime.proxyKeys.create({ siteId: site.id });
  const edgeReports: Record<string, string> = { '127.0.0.1': gbVisitor };
  const proxy = createProxyHandler({
    host: recorder.url,
    proxyKey: key,
    clientIp: (request) => edgeReports[(request as http.IncomingMessage).socket.remoteAddress ?? ''],
  });
  const page = html(
    `<script defer data-tracking-code="${site.trackingCode}" data-api-url="/zv" src="/zv/z.js"></script>`,
  );
  website = http.createServer((request, response) => {
    if (request.headers.authorization !== expectedAuthorization) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="staging"' }).end('sign in');
      return;
    }
    if (request.url?.startsWith('/zv/')) {
      atSite.push({ method: request.method ?? '', path: request.url, headers: { ...request.headers } });
    }
    proxy(request, response, () => {
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'set-cookie': 'site_session=very-secret; Path=/; HttpOnly; SameSite=Lax',
      });
      response.end(page);
    });
  });
  sitePort = await listenOnLoopback(website);
  browser = await launchHeadlessChromium(localSiteArgs(['site.test']));
});

after(async () => {
  await browser?.close();
  await closeServer(website);
  await recorder.close();
  await server.stop();
});

test('a page on the site loads z.js and sends events through the proxy; they land in the reported country', async () => {
  const context = await browser.newContext({ userAgent: desktopUserAgent, httpCredentials: credentials });
  try {
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(String(error)));
    const ingest: string[] = [];
    tab.on('request', (request) => {
      if (request.url().includes('/e/')) ingest.push(request.url());
    });
    await tab.goto(`http://site.test:${sitePort}/pricing`);
    await tab.reload(); // the second load carries the session cookie the first one set
    await trackerLoaded(tab);
    await tab.evaluate(() => window.zenovay!('track', 'signup'));

    let rows: Record<string, unknown>[] = [];
    for (let attempt = 0; attempt < 200 && rows.length < 3; attempt++) {
      rows = await storedEvents(server, site.id);
      if (rows.length < 3) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.equal(rows.length, 3, 'two pageviews and one custom event');
    for (const row of rows) {
      assert.equal(row.country, 'GB');
      assert.equal(row.region, 'England');
      assert.equal(row.hostname, 'site.test');
      assert.equal(row.browser, 'Chrome');
    }
    assert.deepEqual(rows.map((row) => row.event_name).sort(), ['pageview', 'pageview', 'signup'].sort());
    assert.ok(ingest.length >= 3);
    for (const url of ingest) assert.ok(url.startsWith(`http://site.test:${sitePort}/zv/e/`), url);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('cookies and Authorization the browser sends to the site never reach the analytics server', () => {
  // The browser did send them to the site's proxy path (else this test could not fail)...
  const script = atSite.filter((request) => request.path === '/zv/z.js');
  const events = atSite.filter((request) => request.path.startsWith('/zv/e/'));
  assert.ok(script.length >= 1 && events.length >= 3, JSON.stringify(atSite.map((r) => r.path)));
  assert.ok(
    atSite.some((request) => String(request.headers.cookie).includes('site_session=very-secret')),
    'the browser sent the session cookie to /zv/',
  );
  assert.ok(atSite.every((request) => request.headers.authorization === expectedAuthorization));
  // ...and none of it reached the service.
  const upstream = recorder.seen;
  assert.ok(upstream.some((request) => request.path === '/z.js'));
  assert.ok(upstream.filter((request) => request.path === `/e/${site.trackingCode}`).length >= 3);
  for (const request of upstream) {
    assert.equal(request.headers.cookie, undefined, `${request.method} ${request.path}`);
    assert.equal(request.headers.authorization, undefined, `${request.method} ${request.path}`);
    assert.equal(request.headers['x-forwarded-for'], gbVisitor);
    assert.ok(!JSON.stringify(request.headers).includes('very-secret'));
    assert.ok(
      !JSON.stringify(request.headers).includes(Buffer.from(credentials.password).toString('base64')),
    );
  }
});
