import { botRules } from './bot-patterns.generated.js';

// Compiled once; the same expressions and the same steps as the server's createBotClassifier()
// (packages/server/src/ingest/bot-filter.ts), so both give the same verdict.
const headless = new RegExp(botRules.headless, 'i');
const browserShape = new RegExp(botRules.browserShape, 'i');
const deviceModel = new RegExp(botRules.deviceModel, 'gi');
const browser = botRules.browser.map((source) => new RegExp(source, 'i'));
const named = new RegExp(botRules.named, 'i');
const contact = new RegExp(botRules.contact, 'gi');
const selfNamed = new RegExp(botRules.selfNamed, 'i');
const client = new RegExp(botRules.client, 'i');

/**
 * True when the server would refuse this user agent as a bot (BOT_DETECTED): named crawlers,
 * headless browsers, generic HTTP clients. An empty agent counts as a bot, as on the server. Use
 * it to skip crawler traffic before it spends your rate limit.
 */
export function isBot(userAgent: string | null | undefined): boolean {
  const agent = typeof userAgent === 'string' ? userAgent : '';
  if (agent.trim() === '' || headless.test(agent)) return true;
  if (browserShape.test(agent)) {
    const masked = agent.replace(deviceModel, '$1-');
    return browser.some((pattern) => pattern.test(masked));
  }
  if (named.test(agent)) return true;
  const names = agent.replace(contact, ' ');
  return selfNamed.test(names) || client.test(names);
}
