import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Site } from '../packages/server/src/store/types.ts';
import {
  addSiteInUi,
  launchChromium,
  openPage,
  screenshot,
  setUpFirstUser,
  type WatchedPage,
} from './dashboard-helpers.ts';
import { gbVisitor, storedRow, trackerEvent } from './proxy-helpers.ts';
import { DashboardClient } from './support/dashboard-client.ts';
import { send } from './support/http-from.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

// Proxy keys from the dashboard's site settings: created (shown once, recipes filled in), listed,
// revoked after a confirmation, each change reaching the running ingest path at once; and the
// routes behind them keep the dashboard's CSRF and ownership rules.
const email = 'owner@example.com';
const password = 'correct horse battery staple';

let server: TestServer;
let browser: Browser;
let watched: WatchedPage;
let page: Page;

before(async () => {
  // No trusted proxies: X-Forwarded-For from 127.0.0.1 counts only together with a valid proxy key.
  server = await startTestServer();
  browser = await launchChromium();
  watched = await openPage(browser, server.url);
  page = watched.page;
  await setUpFirstUser(page, email, password);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function siteRecord(id: string): Promise<Site> {
  const site = (await server.runtime.metadata.listSites()).find((item) => item.id === id);
  if (!site) throw new Error(`no site ${id}`);
  return site;
}

/** An event from 127.0.0.1 saying it speaks for the GB visitor, with or without a proxy key. */
async function proxiedEvent(site: Site, key?: string) {
  const event = trackerEvent(site);
  const answer = await send(server.port, {
    path: `/e/${site.trackingCode}`,
    body: event.body,
    headers: {
      'content-type': 'text/plain',
      origin: `https://${site.domain}`,
      'x-forwarded-for': gbVisitor,
      ...(key ? { 'x-zenovay-proxy-key': key } : {}),
    },
  });
  return { status: answer.status, body: answer.body, marker: event.marker };
}

async function storedCountry(site: Site, marker: string): Promise<unknown> {
  return (await storedRow(server, site, marker)).country;
}

test('a proxy key made in site settings works at once, is shown once, and once revoked is refused', async () => {
  const { id } = await addSiteInUi(page, 'shop.example');
  const site = await siteRecord(id);
  const section = '[data-testid=proxy-keys]';

  // Before any key, the recipes carry a placeholder, never a real key.
  await page.click(`${section} button[role=tab]:text-is("nginx")`);
  assert.match((await page.textContent(`${section} pre.snippet`)) ?? '', /zvp_REPLACE_WITH_YOUR_PROXY_KEY/);

  await page.fill(`${section} input[name=proxy-key-name]`, 'Edge nginx');
  await page.click(`${section} button[type=submit]`);
  const key = ((await page.textContent('[data-testid=new-proxy-key] .secret')) ?? '').trim();
  assert.match(key, /^zvp_[A-Za-z0-9_-]{43}$/);
  assert.match((await page.textContent('[data-testid=new-proxy-key]')) ?? '', /will not be shown again/);
  const prefix = key.slice(0, 12);
  const row = `${section} tr[data-prefix="${prefix}"]`;
  await page.waitForSelector(row);
  assert.match((await page.textContent(row)) ?? '', /Edge nginx.*2026-03-10.*Revoke/);

  // The recipes are filled in with the new key, this server and the site's tracking code.
  const nginx = (await page.textContent(`${section} pre.snippet`)) ?? '';
  assert.ok(nginx.includes(`X-Zenovay-Proxy-Key "${key}"`), nginx);
  assert.ok(nginx.includes(`proxy_pass ${server.url}/e/;`), nginx);
  await page.click(`${section} button[role=tab]:text-is("Caddy")`);
  assert.ok(
    (await page.textContent(`${section} pre.snippet`))?.includes(`header_up X-Zenovay-Proxy-Key "${key}"`),
  );
  await page.click(`${section} button[role=tab]:text-is("Tracker tag")`);
  assert.ok(
    (await page.textContent(`${section} pre.snippet`))?.includes(`data-tracking-code="${site.trackingCode}"`),
  );
  await screenshot(page, 'site-settings-proxy-key-created');

  // The running server took the key at once: the proxy's X-Forwarded-For now names the visitor.
  const plain = await proxiedEvent(site);
  assert.equal(plain.status, 202);
  assert.equal(await storedCountry(site, plain.marker), '', 'without the key, 127.0.0.1 rules (nowhere)');
  const proxied = await proxiedEvent(site, key);
  assert.equal(proxied.status, 202, JSON.stringify(proxied.body));
  assert.equal(await storedCountry(site, proxied.marker), 'GB');

  // Shown once: after a reload only the prefix is left.
  await page.reload();
  await page.waitForSelector(row);
  assert.equal(await page.$('[data-testid=new-proxy-key]'), null);
  assert.ok(!(await page.content()).includes(key));

  // Revoking asks first; saying no changes nothing.
  page.once('dialog', (dialog) => dialog.dismiss());
  await page.click(`${row} button:text-is("Revoke")`);
  assert.equal((await proxiedEvent(site, key)).status, 202);
  assert.ok(await page.$(`${row} button:text-is("Revoke")`));

  let question = '';
  page.once('dialog', (dialog) => {
    question = dialog.message();
    return dialog.accept();
  });
  await page.click(`${row} button:text-is("Revoke")`);
  await page.waitForSelector(`${row}.revoked`);
  assert.match(question, new RegExp(`Revoke proxy key ${prefix}`));
  assert.match((await page.textContent(row)) ?? '', /revoked 2026-03-10/);

  const refused = await proxiedEvent(site, key);
  assert.equal(refused.status, 401);
  assert.equal((refused.body as { error: { code: string } }).error.code, 'INVALID_PROXY_KEY');
  await screenshot(page, 'site-settings-proxy-key-revoked');
  assert.deepEqual(watched.problems, []);
});

/** A dashboard API client signed in as `who`. */
async function signedIn(who: string): Promise<DashboardClient> {
  const client = new DashboardClient(server);
  const result = await client.signIn(who, password);
  assert.equal(result.status, 200);
  return client;
}

test('the proxy-key routes need the CSRF token, a session, and a site the user owns', async () => {
  const owner = await signedIn(email);
  const site = (await owner.call('POST', '/sites', { domain: 'api.example' })).body.site;
  const base = `/sites/${site.id}/proxy-keys`;
  const made = await owner.call('POST', base, { name: 'edge' });
  assert.equal(made.status, 201);
  assert.match(made.body.key, /^zvp_/);
  assert.equal(made.body.record.name, 'edge');
  assert.equal(made.body.record.revoked_at, null);
  assert.equal(made.body.record.key_hash, undefined);
  const { prefix } = made.body.record;
  const record = await siteRecord(site.id);
  assert.equal((await proxiedEvent(record, made.body.key)).status, 202);

  const listed = async () => (await owner.call('GET', base)).body.keys as { prefix: string }[];
  assert.deepEqual(
    (await listed()).map((key) => key.prefix),
    [prefix],
  );

  // Without the token, with a wrong one, or from another origin: refused, and nothing changed.
  const attempts: Record<string, string>[] = [
    { 'x-csrf-token': '' },
    { 'x-csrf-token': 'A'.repeat(43) },
    { 'x-csrf-token': owner.csrf, origin: 'https://evil.example' },
  ];
  for (const headers of attempts) {
    for (const [method, path] of [
      ['POST', base],
      ['DELETE', `${base}/${prefix}`],
    ] as const) {
      const refused = await owner.call(method, path, {}, headers);
      assert.equal(refused.status, 403, `${method} ${JSON.stringify(headers)}`);
      assert.equal(refused.body.error.code, 'CSRF_TOKEN_INVALID');
    }
  }
  assert.equal((await listed()).length, 1);
  assert.equal((await proxiedEvent(record, made.body.key)).status, 202);

  // Without a session: not signed in.
  const anonymous = new DashboardClient(server);
  await anonymous.call('GET', '/session');
  assert.equal((await anonymous.call('GET', base)).status, 401);
  assert.equal((await anonymous.call('POST', base, {})).status, 401);

  // Another user sees nothing of this site, and cannot revoke its key through a site of their own.
  await server.runtime.accounts.createUser('other@example.com', password);
  const other = await signedIn('other@example.com');
  for (const [method, path] of [
    ['GET', base],
    ['POST', base],
    ['DELETE', `${base}/${prefix}`],
  ] as const) {
    const result = await other.call(method, path, method === 'GET' ? undefined : {});
    assert.equal(result.status, 404, `${method} ${path}`);
    assert.equal(result.body.error.code, 'NOT_FOUND');
  }
  const theirs = (await other.call('POST', '/sites', { domain: 'theirs.example' })).body.site;
  assert.equal((await other.call('DELETE', `/sites/${theirs.id}/proxy-keys/${prefix}`, {})).status, 404);
  assert.deepEqual((await other.call('GET', `/sites/${theirs.id}/proxy-keys`)).body.keys, []);
  assert.equal((await proxiedEvent(record, made.body.key)).status, 202);

  // A name that is not a short string is refused in the registry's shape.
  const badName = await owner.call('POST', base, { name: 'x'.repeat(101) });
  assert.equal(badName.status, 400);
  assert.equal(badName.body.error.fields[0].field, 'name');

  // The owner revokes: refused from the next request on; revoking again says it is revoked.
  assert.equal((await owner.call('DELETE', `${base}/${prefix}`, {})).status, 200);
  assert.equal((await proxiedEvent(record, made.body.key)).status, 401);
  assert.equal((await owner.call('DELETE', `${base}/${prefix}`, {})).status, 200);
  assert.equal((await owner.call('DELETE', `${base}/zvp_unknown1`, {})).status, 404);

  // Deleting the site drops its keys, from the store and from the running ingest path's memory.
  const second = await owner.call('POST', base, {});
  assert.equal(second.body.record.name, 'Dashboard proxy');
  assert.ok(server.runtime.proxyKeys.match(second.body.key));
  assert.equal(
    (await owner.call('DELETE', `/sites/${site.id}`, { confirm_domain: 'api.example' })).status,
    200,
  );
  assert.deepEqual(await server.runtime.proxyKeys.list(site.id), []);
  assert.equal(server.runtime.proxyKeys.match(second.body.key), undefined);
});
