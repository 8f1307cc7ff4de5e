import { createRequire } from 'node:module';
import { list as isbotPatterns } from 'isbot';
import { descriptiveProbes } from './bot-probes.ts';

export { descriptiveServerAgents } from './bot-agents.ts';

/**
 * The one source of bot rules. Principle: refuse what is *named*, never a shape or a bare
 * substring alone. Everything is a JavaScript regex source, tested case-insensitively, so the SDKs'
 * client-side filters are generated from these same rules (scripts/generate-client-bot-rules.ts,
 * packages/node/scripts/generate-bot-patterns.ts).
 *
 * 1. Headless and automated browsers are refused in every shape.
 * 2. A browser-shaped agent (`Mozilla/<version> (<platform>…`) is refused when the maintained lists
 *    (isbot's full list, crawler-user-agents, CrawlerDetect's names) name it. They are matched with the device model
 *    blanked (`deviceModelSource`): a phone's model name is the vendor's choice (`CUBOT_X30`) and
 *    names no crawler, while crawlers name themselves in product tokens or comment entries.
 * 3. Any other agent is refused when the lists name it (the list patterns that name something, see
 *    `namedListSources`: a product, or a crawler's own documented URL such as
 *    `pinterest.com/bot`), when it calls itself a bot, crawler, spider or scraper, or when it is a
 *    generic HTTP client or library. The last two are judged with contact URLs and e-mail
 *    addresses removed: those say where to reach the operator, not what the agent is, so
 *    `AcmeShop-Orders/2.4 (+https://acme.example/bot-policy)` is judged by `AcmeShop-Orders`.
 */

export type BotReason = 'headless' | 'crawler' | 'client';

/**
 * `Mozilla/5.0 (<platform>) <engine>…`, or Internet Explorer's `Mozilla/5.0 (compatible; …)`: what
 * every browser sends, and crawlers that pose as one. A platform comment with nothing after it
 * (`Mozilla/5.0 (Windows NT 10.0; Win64; x64)`) is no browser: a script's borrowed agent.
 */
export const browserShapeSource = '^mozilla/\\d+(?:\\.\\d+)*\\s*\\((?:\\s*compatible\\b|[^)]*\\)\\s*[^\\s])';

/**
 * Where a browser-shaped agent names its device: the segment after `Android <version>;` and any
 * segment with a `Build/<id>`. Vendors' model names are arbitrary (`CUBOT_X30`, `KINGKONG 7`) and
 * build ids are shared by millions of phones, so list patterns never see them: every match is
 * replaced by `$1-` (the text up to the model is kept, the model becomes `-`). The lookbehind keeps
 * the scan linear on hostile input.
 */
export const deviceModelSource = '(android[\\s\\d._]*;\\s*)[^;)]*|(?<=[;(])[^;()]*\\bbuild/[^;)]*';

/**
 * Contact URLs and e-mail addresses, removed (replaced by a space) before a non-browser agent is
 * judged by the generic words and client names. The lookbehinds keep each scan linear on hostile
 * input.
 */
export const contactSource =
  '\\+?(?<![\\w.-])(?:(?:https?|ftp)://|mailto:|www\\.)[^\\s;)]*|(?<![\\w.+-])[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+';

export const headlessSources = [
  'headlesschrome',
  '\\bheadless',
  'phantomjs',
  'slimerjs',
  'puppeteer',
  'playwright',
  'selenium',
  'webdriver',
  'htmlunit',
  '\\bjsdom/',
  'zombie\\.js',
  'nightmarejs?\\b',
];

/** Generic HTTP clients, libraries and runtimes, as a product name of their own. */
const clientNames = [
  'curl',
  'libcurl',
  'pycurl',
  'wget2?',
  'python-requests',
  'python-urllib',
  'python-httpx',
  'python',
  'aiohttp',
  'httpx',
  'urllib3?',
  'httplib2',
  'scrapy',
  'go-http-client',
  'go',
  'fasthttp',
  'axios',
  'node-fetch',
  'node',
  'node\\.js',
  'nodejs',
  'undici',
  'got',
  'superagent',
  'needle',
  'okhttp',
  'dalvik',
  'cfnetwork',
  'httpclient',
  'apache-httpasyncclient',
  'ahc',
  'reactornetty',
  'vert\\.x-webclient',
  'restsharp',
  'grpc-[\\w-]+',
  'typhoeus',
  'excon',
  'http\\.rb',
  'java',
  'apache-httpclient',
  'jakarta commons-httpclient',
  'libwww-perl',
  'lwp::simple',
  'lwp-trivial',
  'postmanruntime',
  'insomnia',
  'httpie',
  'ruby',
  'faraday',
  'rest-client',
  'httparty',
  'guzzlehttp',
  'guzzle',
  'php',
  'deno',
  'bun',
  'dart',
  'reqwest',
  'hackney',
  'mechanize',
  'winhttp',
  'wininet',
  'powershell',
  'windowspowershell',
  'http_request2?',
  'zend_http_client',
  'cpp-httplib',
  'symfony httpclient',
  'lua-resty-http',
  'java-http-client',
  'jersey',
  'unirest-java',
  'google-http-java-client',
  'libsoup',
  // `Mozilla/…` without the shape of a browser: a script posing as one.
  'mozilla',
];

/**
 * The agent's own name, its first product token, is a client library. Later tokens and comments
 * only describe it (`MyApp/1.0 (Node.js 20)`, `MyApp/1.0 CFNetwork/1410`): a named application.
 */
export const clientSource = `^\\s*(?:${clientNames.join('|')})(?=[/\\s;(),]|$)`;

/** A name that calls itself a bot, crawler, spider, scraper or health checker: the word ends a name part. */
export const selfNamedSource =
  '(?:bot|crawler|crawling|crawl|spider|scraper|scraping|health-?check(?:er)?|pinger)s?(?![a-z])';

/**
 * Monitors and health checkers the lists do not name, as the agent's own name: they poll, no one
 * visits.
 */
const monitorNames = [
  'prometheus',
  'kube-probe',
  'googlehc',
  'nagios',
  'check_http',
  'icinga',
  'munin',
  'monit',
  'sensu',
  'consul health check',
  'blackbox exporter',
  'datadog agent',
];
export const monitorSource = `^\\s*(?:${monitorNames.join('|')})(?=[/\\s;(),]|$)`;

/** No name at all: nothing but punctuation once contacts are removed. */
export const namelessSource = '^[^a-z0-9]*$';

const require = createRequire(import.meta.url);
const crawlerList = require('crawler-user-agents') as ReadonlyArray<{ pattern: string }>;
// CrawlerDetect's list (JayBizzle/Crawler-Detect, MIT), as its JavaScript port ships it.
const { Crawlers } = require('es6-crawler-detect/dist/lib/crawler/crawlers.js') as {
  Crawlers: new () => { getAll(): string[] };
};

/** isbot's patterns: substrings by design, and tested by their maintainers against real browsers. */
export function isbotSources(): string[] {
  return [...isbotPatterns];
}

/** crawler-user-agents' patterns: exact crawler names, matched where a word begins. */
export function crawlerListSources(): string[] {
  return [...new Set(crawlerList.map((entry) => entry.pattern))].filter(
    (source) => !isbotPatterns.includes(source),
  );
}

/** CrawlerDetect's patterns (minus those already on the lists above). */
export function crawlerDetectSources(): string[] {
  const known = new Set([...isbotPatterns, ...crawlerListSources()]);
  return [...new Set(new Crawlers().getAll())].filter((source) => !known.has(source));
}

/**
 * The list patterns that name something: those matching none of the made-up descriptive agents
 * (bot-probes.ts). The others (`^[\w-]+/[\w]+$`, `^email`, `server`, `(?<!lib)http`…) describe a
 * shape, a common word that descriptive application names are made of, or a contact URL.
 */
export function namedListSources(
  all: readonly string[] = [...isbotSources(), ...crawlerListSources(), ...crawlerDetectSources()],
): string[] {
  const probes = descriptiveProbes();
  const named: string[] = [];
  // Chunks, so most probes are tested against one alternation per chunk, not each pattern.
  for (let from = 0; from < all.length; from += 64) {
    const chunk = all.slice(from, from + 64);
    const combined = new RegExp(chunk.map((source) => `(?:${source})`).join('|'), 'i');
    const hits = probes.filter((probe) => combined.test(probe));
    for (const source of chunk) {
      const pattern = new RegExp(source, 'i');
      if (!hits.some((probe) => pattern.test(probe))) named.push(source);
    }
  }
  return named;
}

/** A group of sources tested as one alternation; `wordStart` as in bot-trie.ts. */
export interface RuleGroup {
  readonly sources: readonly string[];
  readonly wordStart: boolean;
}

export interface BotRuleSources {
  readonly headless: RuleGroup;
  readonly browserShape: string;
  readonly deviceModel: string;
  /** Tested on a browser-shaped agent whose device model is blanked. */
  readonly browser: readonly RuleGroup[];
  /** Tested on any other agent as it is. */
  readonly named: RuleGroup;
  readonly contact: string;
  /** Tested on any other agent with its contacts removed. */
  readonly selfNamed: RuleGroup;
  readonly client: RuleGroup;
}

let cached: BotRuleSources | undefined;

/** The rules, built once per process (sorting the lists' patterns takes a moment). */
export function botRuleSources(): BotRuleSources {
  cached ??= {
    headless: { sources: headlessSources, wordStart: false },
    browserShape: browserShapeSource,
    deviceModel: deviceModelSource,
    browser: [
      { sources: isbotSources(), wordStart: false },
      // CrawlerDetect's generic catch-all (`[a-z0-9\-_]*(bot|crawl|…|reader|…)`) is a bare
      // substring rule it pairs with its own exclusions; only its names are used here.
      { sources: [...crawlerListSources(), ...namedListSources(crawlerDetectSources())], wordStart: true },
    ],
    named: { sources: [...namedListSources(), monitorSource], wordStart: true },
    contact: contactSource,
    selfNamed: { sources: [selfNamedSource], wordStart: false },
    client: { sources: [clientSource, namelessSource], wordStart: false },
  };
  return cached;
}

/** Every source, flat (for the SDK agreement tests that probe each pattern's literal text). */
export function botPatternSources(): string[] {
  const rules = botRuleSources();
  const groups = [rules.headless, ...rules.browser, rules.named, rules.selfNamed, rules.client];
  return [...new Set(groups.flatMap((group) => group.sources))];
}
