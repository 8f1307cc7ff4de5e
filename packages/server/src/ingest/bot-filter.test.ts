import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBotFilter } from './bot-filter.ts';
import { descriptiveServerAgents } from './bot-rules.ts';

const isBot = createBotFilter();

/** Generic HTTP clients, headless browsers, crawlers and empty agents: all refused. */
const refused: ReadonlyArray<[string, string]> = [
  ['curl', 'curl/8.5.0'],
  ['wget', 'Wget/1.21.4'],
  ['python-requests', 'python-requests/2.31.0'],
  ['Python-urllib', 'Python-urllib/3.11'],
  ['aiohttp', 'Python/3.12 aiohttp/3.9.1'],
  ['Java', 'Java/17.0.2'],
  ['Apache HttpClient', 'Apache-HttpClient/4.5.14 (Java/17.0.8)'],
  ['okhttp', 'okhttp/4.12.0'],
  ['Go-http-client', 'Go-http-client/1.1'],
  ['Go-http-client 2', 'Go-http-client/2.0'],
  ['node-fetch', 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)'],
  ['node-fetch 3', 'node-fetch'],
  ['axios', 'axios/1.6.7'],
  ['undici', 'undici'],
  ['node', 'node'],
  ['libwww-perl', 'libwww-perl/6.72'],
  ['PostmanRuntime', 'PostmanRuntime/7.36.1'],
  [
    'HeadlessChrome',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 Safari/537.36',
  ],
  [
    'PhantomJS',
    'Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1',
  ],
  ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
  [
    'Googlebot smartphone',
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  ],
  ['bingbot', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)'],
  ['YandexBot', 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)'],
  ['Baiduspider', 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)'],
  ['DuckDuckBot', 'DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)'],
  ['Yahoo Slurp', 'Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)'],
  ['facebookexternalhit', 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)'],
  ['generic bot', 'AcmeBot/1.0'],
  ['bot in the middle', 'Mozilla/5.0 (compatible; SomeRobotics/2.0)'],
  ['generic crawler', 'MyCrawler/0.9 (+https://crawler.example)'],
  ['generic spider', 'Little-Spider 2.0'],
  ['generic scraper', 'PriceScraper/3.1'],
  ['upper case', 'SUPERBOT/1.0'],
  ['puppeteer', 'Mozilla/5.0 Puppeteer'],
  ['empty', ''],
  ['one space', ' '],
  ['whitespace only', ' \t\n  '],
];

/** Descriptive server agents (as the spec recommends) and real browsers: all accepted. */
const desktopAndMobileBrowsers: ReadonlyArray<[string, string]> = [
  [
    'Chrome desktop (Windows)',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  ],
  [
    'Chrome desktop (macOS)',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  ],
  [
    'Chrome mobile (Android)',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  ],
  [
    'Chrome on iOS',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1',
  ],
  ['Firefox desktop (Linux)', 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0'],
  [
    'Firefox desktop (Windows)',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  ],
  ['Firefox mobile (Android)', 'Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0'],
  [
    'Safari desktop',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
  ],
  [
    'Safari mobile (iPhone)',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
  ],
  [
    'Safari (iPad)',
    'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  ],
  [
    'Edge desktop',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67',
  ],
  [
    'Edge mobile (Android)',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 EdgA/124.0.2478.64',
  ],
  [
    'Samsung Internet',
    'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
  ],
];

const accepted: ReadonlyArray<[string, string]> = [
  ...descriptiveServerAgents.map((agent): [string, string] => [`server agent ${agent}`, agent]),
  ...desktopAndMobileBrowsers,
];

for (const [label, agent] of refused) {
  test(`refused: ${label}`, () => {
    assert.equal(isBot(agent), true, JSON.stringify(agent));
  });
}

for (const [label, agent] of accepted) {
  test(`accepted: ${label}`, () => {
    assert.equal(isBot(agent), false, agent);
  });
}

test('the spec example MyApp-Server/1.0 is among the accepted agents', () => {
  assert.ok(accepted.some(([, agent]) => agent === 'MyApp-Server/1.0'));
});

test('custom rule lists compile into one filter that still refuses empty agents', () => {
  const onlyFoo = createBotFilter(['foo']);
  assert.equal(onlyFoo('FooClient/1'), true);
  assert.equal(onlyFoo('curl/8.5.0'), false, 'rules come only from the list given');
  assert.equal(onlyFoo('   '), true);
});
