import assert from 'node:assert/strict';
import { test } from 'node:test';
import { botRefusalMessage, createBotClassifier } from './bot-filter.ts';
import { descriptiveServerAgents } from './bot-rules.ts';

const classify = createBotClassifier();

/** Each row: an agent and the verdict the principle gives it (bot-rules.ts), by hand. */
const cases: ReadonlyArray<[agent: string, verdict: ReturnType<typeof classify>, why: string]> = [
  // Browser-shaped agents: only what the maintained lists name, never a device's own name.
  [
    'Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
    null,
    'a CUBOT phone: "bot" inside a device model',
  ],
  [
    'Mozilla/5.0 (Linux; Android 9;CUBOT_POWER) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
    null,
    'a CUBOT phone without a space before the model',
  ],
  [
    'Mozilla/5.0 (Linux; Android 13; KINGKONG 9 Build/TP1A.220624.014) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
    null,
    'a model and a build id',
  ],
  [
    'Mozilla/5.0 (Linux; Android 14; K) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.0.0 Mobile DuckDuckGo/5 Safari/537.36',
    null,
    "DuckDuckGo's Android browser",
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15 Ddg/17.4',
    null,
    "DuckDuckGo's macOS browser",
  ],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0', null, 'Firefox'],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67',
    null,
    'Edge',
  ],
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'crawler', 'Googlebot'],
  [
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'crawler',
    'Googlebot smartphone: named after the device',
  ],
  [
    'Mozilla/5.0 (Linux; Android 8.0; Pixel 2 Build/OPD3.170816.012; Storebot-Google/1.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.138 Mobile Safari/537.36',
    'crawler',
    'a crawler named in the platform comment, next to the model',
  ],
  ['Mozilla/5.0 (compatible; SomeRobotics/2.0)', 'crawler', "isbot's shape of a bare compatible comment"],
  [
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 Safari/537.36',
    'headless',
    'headless Chromium',
  ],
  [
    'Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1',
    'headless',
    'PhantomJS',
  ],
  // Other agents: named crawlers and monitors, by the lists.
  ['Zabbix', 'crawler', 'a monitor the crawler list names'],
  ['Disqus/1.0', 'crawler', 'named by the crawler list'],
  ['Amazon CloudFront', 'crawler', 'named by the crawler list'],
  ['Hatena Antenna/0.3', 'crawler', 'named by the crawler list'],
  ['facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'crawler', 'named'],
  ['Pinterest/0.2 (+http://www.pinterest.com/bot.html)', 'crawler', "named by the crawler's own URL"],
  ['AcmePriceBot/2.0', 'crawler', 'calls itself a bot'],
  ['acme-spider/1.1 (+https://acme.example/spider)', 'crawler', 'calls itself a spider'],
  ['my-scraper/0.1', 'crawler', 'calls itself a scraper'],
  // Generic HTTP clients and libraries: the agent's own name is the library.
  ['curl/8.5.0', 'client', ''],
  ['Wget/1.21.4', 'client', ''],
  ['python-requests/2.31.0', 'client', ''],
  ['Python-urllib/3.11', 'client', ''],
  ['Python/3.12 aiohttp/3.9.1', 'client', ''],
  ['Go-http-client/2.0', 'client', ''],
  ['axios/1.6.7', 'client', ''],
  ['node-fetch/1.0 (+https://github.com/bitinn/node-fetch)', 'client', ''],
  ['okhttp/4.12.0', 'client', ''],
  ['Java/17.0.2', 'client', ''],
  ['Apache-HttpClient/4.5.14 (Java/17.0.8)', 'client', ''],
  ['libwww-perl/6.72', 'client', ''],
  ['Scrapy/2.11.0 (+https://scrapy.org)', 'client', ''],
  ['PostmanRuntime/7.36.1', 'client', ''],
  ['undici', 'client', ''],
  ['node', 'client', ''],
  ['Mozilla/5.0', 'client', 'a script posing as a browser, without the shape of one'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'client', 'a platform comment with no engine after it'],
  ['Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0)', null, "Internet Explorer's own shape"],
  ['Prometheus/2.45.0', 'crawler', 'a monitor'],
  ['kube-probe/1.27', 'crawler', 'a health check'],
  ['ELB-HealthChecker/2.0', 'crawler', 'calls itself a health checker'],
  // Descriptive application names: accepted with or without version, OS comment or contact.
  ['BillingWorker/1.0 (Linux)', null, 'an OS comment'],
  ['EmailDigest/3.1', null, '"email" is a word, not a crawler'],
  ['AcmeShop-Orders/2.4 (+https://acme.example/bot-policy)', null, 'a contact URL is not a name'],
  ['SignupFlow/1.0 (+https://acme.example/robots-and-agents)', null, '"Upflow" only names a word start'],
  ['InvoiceService/2.0 (+https://example.com/contact)', null, 'a .com contact'],
  ['NewsletterSender/4.0 (contact: ops@acme.example)', null, 'an e-mail address'],
  ['StoreFront-SSR/3.2.1 (Node.js 20; +https://shop.example/about)', null, 'a runtime in the comment'],
  ['AcmeApp/2.0 CFNetwork/1410.0.3 Darwin/22.6.0', null, 'a library after the name'],
  ['CustomerPortal/1.0 (Windows NT 10.0)', null, ''],
  ['Inventory/7 (FreeBSD)', null, ''],
  ['Acme Orders', null, 'no version at all'],
  ['report-generator/0.9.1 (linux; x64)', null, ''],
];

for (const [agent, verdict, why] of cases) {
  test(`${verdict ?? 'accepted'}: ${agent}${why ? ` (${why})` : ''}`, () => {
    assert.equal(classify(agent), verdict);
  });
}

test('every agent the spec and the SDKs use is accepted', () => {
  assert.deepEqual(
    descriptiveServerAgents.filter((agent) => classify(agent) !== null),
    [],
  );
});

test('empty and blank agents are refused as nameless', () => {
  for (const agent of ['', ' ', ' \t\n  ', '\u00a0'])
    assert.equal(classify(agent), 'empty', JSON.stringify(agent));
  assert.equal(classify('+https://nobody.example/'), 'client', 'only a contact, no name');
});

test('refusal messages fit the sender: only clients and nameless agents are told to send MyApp-Server/1.0', () => {
  assert.match(botRefusalMessage('headless'), /headless browser was detected/);
  assert.doesNotMatch(botRefusalMessage('headless'), /MyApp-Server/);
  assert.doesNotMatch(botRefusalMessage('crawler'), /MyApp-Server/);
  assert.match(botRefusalMessage('client'), /"MyApp-Server\/1\.0"/);
  assert.match(botRefusalMessage('empty'), /"MyApp-Server\/1\.0"/);
});

// Shapes that make naive patterns backtrack, at the ingest limit of 1,024 characters (limits.ts).
// The rules are written so each scan is linear; the timeout only guards against a regression.
test('hostile agents are judged (no catastrophic backtracking)', { timeout: 20_000 }, () => {
  const hostile: Array<[string, ReturnType<typeof classify>]> = [
    ['a'.repeat(1024), null],
    [`${'a.'.repeat(511)}@`, null],
    [`Mozilla/5.0 (${'; '.repeat(505)}`, 'client'],
    [`Mozilla/5.0 (Linux; Android ${'1 '.repeat(490)}`, 'client'],
    [`x (${'build'.repeat(200)}`, null],
    [`${'bot'.repeat(341)}x`, null],
    [`${'bot'.repeat(341)}`, 'crawler'],
    [`+http://${'/'.repeat(1000)}`, 'client'],
    [`${' '.repeat(1023)}x`, null],
  ];
  for (const [agent, verdict] of hostile) {
    for (let i = 0; i < 20; i++) assert.equal(classify(agent), verdict, agent.slice(0, 40));
  }
});
