/**
 * The BOT_DETECTED refusal over HTTP: one stable code and status, and a sentence that fits the
 * sender. A browser-shaped crawler is not told to send "MyApp-Server/1.0" (it is no server-side
 * sender); a headless browser is told a headless browser was detected; a generic client is told
 * to name its application. Descriptive agents and real browsers are stored.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Site } from '../packages/server/src/store/types.ts';
import { assertRefusal } from './support/refusal-assert.ts';
import { postEvent, serverDefaults, startServerWithSite, type TestServer } from './support/test-server.ts';

const valid = { ...serverDefaults, url: 'https://example.com/', session_id: 'srv-bot-msg-01' };
const crawlerMessage =
  'The user_agent names a known crawler, bot or monitor; crawler traffic is not counted as visits.';
const headlessMessage =
  'A headless browser was detected (e.g. HeadlessChrome, PhantomJS, Puppeteer, Playwright, Selenium); automated browsers are not counted as visitors.';
const clientMessage =
  'The user_agent is a generic HTTP client or library (e.g. curl, python-requests, axios); a server-side sender should name its application, e.g. "MyApp-Server/1.0".';

let server: TestServer;
let site: Site;

before(async () => {
  ({ server, site } = await startServerWithSite());
});

after(() => server.stop());

const post = (userAgent: string) => postEvent(server, site.trackingCode, { ...valid, user_agent: userAgent });

test('a browser-shaped crawler gets the crawler sentence, without MyApp-Server advice', async () => {
  for (const agent of [
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  ]) {
    const response = await post(agent);
    assertRefusal(response, 'BOT_DETECTED', crawlerMessage);
    assert.doesNotMatch(response.body.error.message, /MyApp-Server/);
  }
});

test('headless Chromium gets a sentence saying a headless browser was detected', async () => {
  const agent =
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.33 Safari/537.36';
  assertRefusal(await post(agent), 'BOT_DETECTED', headlessMessage);
});

test('a generic client is told to name its application; a named monitor gets the crawler sentence', async () => {
  assertRefusal(await post('curl/8.5.0'), 'BOT_DETECTED', clientMessage);
  assertRefusal(await post('python-requests/2.31.0'), 'BOT_DETECTED', clientMessage);
  assertRefusal(await post('Zabbix'), 'BOT_DETECTED', crawlerMessage);
});

test('descriptive server agents and real browsers (a CUBOT phone, DuckDuckGo on Android) are stored', async () => {
  for (const agent of [
    'BillingWorker/1.0 (Linux)',
    'EmailDigest/3.1',
    'AcmeShop-Orders/2.4 (+https://acme.example/bot-policy)',
    'Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
    'Mozilla/5.0 (Linux; Android 14; K) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.0.0 Mobile DuckDuckGo/5 Safari/537.36',
  ]) {
    const response = await post(agent);
    assert.equal(response.status, 202, `${agent}: ${JSON.stringify(response.body)}`);
  }
});
