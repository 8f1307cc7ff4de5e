import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import {
  generatedBotPatternsPath,
  renderBotPatternsModule,
} from '../packages/node/scripts/bot-patterns-source.ts';
import { isBot, serverDefaults } from '../packages/node/src/index.ts';
import { createBotFilter } from '../packages/server/src/ingest/bot-filter.ts';
import { botPatternSources, descriptiveServerAgents } from '../packages/server/src/ingest/bot-rules.ts';

test('the generated bot patterns are exactly what the generator makes from the server rules now', () => {
  const checkedIn = fs.readFileSync(`packages/node/${generatedBotPatternsPath}`, 'utf8');
  assert.equal(
    checkedIn,
    renderBotPatternsModule(),
    'packages/node/src/bot-patterns.generated.ts is stale: run npm run generate:bot-patterns -w @zenovay/node',
  );
});

/** Agents both sides must judge alike: spec examples, real browsers, crawlers, clients, edge cases. */
const sharedTable: Array<[agent: string, bot: boolean]> = [
  ['MyApp-Server/1.0', false],
  [serverDefaults().user_agent, false],
  ...descriptiveServerAgents.map((agent): [string, boolean] => [agent, false]),
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    false,
  ],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    false,
  ],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0', false],
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', true],
  ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', true],
  ['Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)', true],
  ['facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', true],
  [
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36',
    true,
  ],
  ['curl/8.4.0', true],
  ['Wget/1.21.4', true],
  ['python-requests/2.31.0', true],
  ['Java/17.0.2', true],
  ['Go-http-client/1.1', true],
  ['okhttp/4.12.0', true],
  ['axios/1.7.2', true],
  ['node-fetch/1.0', true],
  ['node', true],
  ['undici', true],
  ['PostmanRuntime/7.39.0', true],
  ['my-scraper/0.1', true],
  ['SomeSpider', true],
  ['', true],
  ['   ', true],
];

test('isBot agrees with the server filter on a shared table (and the table is what we expect)', () => {
  const server = createBotFilter();
  for (const [agent, expected] of sharedTable) {
    assert.equal(server(agent), expected, `server on ${JSON.stringify(agent)}`);
    assert.equal(isBot(agent), expected, `isBot on ${JSON.stringify(agent)}`);
  }
});

test("isBot agrees with the server on every list pattern's own text and on mangled variants", () => {
  const server = createBotFilter();
  const sources = botPatternSources();
  assert.ok(sources.length > 50);
  for (const source of sources) {
    const literal = source.replace(/[\\^$()[\]?*+{}|]/g, '');
    for (const agent of [literal, `Mozilla/5.0 ${literal}/1.0`, literal.toUpperCase(), literal.slice(1)]) {
      assert.equal(isBot(agent), server(agent), JSON.stringify(agent));
    }
  }
});
