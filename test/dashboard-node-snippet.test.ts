import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { installSnippets } from '../packages/dashboard/app/pages/snippets.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { addSite, startTestServer, storedEvents, type TestServer } from './support/test-server.ts';

// The settings page's Node.js snippet is run as it is shown (only the package name points at the
// SDK's source in this repository) against a real server: it must use @zenovay/node, send the
// revenue exactly, and its eventId must make a redelivered order count once.

let server: TestServer;
let site: Site;
let dir: string;

before(async () => {
  server = await startTestServer();
  site = await addSite(server, 'shop.example');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-node-snippet-'));
});

after(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await server?.stop();
});

function nodeSnippet(): string {
  const snippet = installSnippets(server.url, site.trackingCode, site.domain).find((s) => s.id === 'node');
  assert.ok(snippet, 'there is a Node.js snippet');
  return snippet.code;
}

test('the Node.js snippet uses the SDK with an event id, not a raw fetch', () => {
  const code = nodeSnippet();
  assert.match(code, /import \{ createClient \} from '@zenovay\/node';/);
  assert.match(code, /zenovay\.trackEvent\('purchase'/);
  assert.match(code, /eventId: /);
  assert.match(code, /revenue: \{ amount: order\.total, currency: order\.currency \}/);
  assert.ok(code.includes(`trackingCode: '${site.trackingCode}'`));
  assert.ok(code.includes(`host: '${server.url}'`));
  assert.doesNotMatch(code, /fetch\(/);
});

test('run as shown, the snippet stores one purchase with its revenue, however often it is sent', async () => {
  const sdk = pathToFileURL(path.resolve('packages/node/src/index.ts')).href;
  const code = nodeSnippet().replace("'@zenovay/node'", `'${sdk}'`);
  const file = path.join(dir, 'analytics.mjs');
  fs.writeFileSync(file, code);
  const mod = (await import(pathToFileURL(file).href)) as {
    trackPurchase: (order: Record<string, string>, sessionId: string) => Promise<boolean>;
    zenovay: { shutdown: () => Promise<unknown> };
  };
  const order = { id: '1042', total: '99.99', currency: 'usd', plan: 'pro' };
  // The first send and a redelivery of the same order: both succeed, one event is stored.
  assert.equal(await mod.trackPurchase(order, 'srv-snippet-0001'), true);
  assert.equal(await mod.trackPurchase(order, 'srv-snippet-0001'), true);
  await mod.zenovay.shutdown();

  const rows = await storedEvents(server, site.id);
  assert.deepEqual(
    rows.map((row) => [
      row.event_name,
      row.event_id,
      String(row.revenue_e4),
      row.revenue_currency,
      row.pathname,
    ]),
    [['purchase', 'order-1042', '999900', 'USD', '/checkout/success']],
  );
});
