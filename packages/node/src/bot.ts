import { botRules } from './bot-patterns.generated.js';

// Compiled once; the same expressions and the same steps as the server's createBotClassifier()
// (packages/server/src/ingest/bot-filter.ts), so both give the same verdict.
const anyOf = (sources: readonly string[]) => {
  const patterns = sources.map((source) => new RegExp(source, 'i'));
  return (text: string) => patterns.some((pattern) => pattern.test(text));
};
const headless = anyOf(botRules.headless);
const browserShape = new RegExp(botRules.browserShape, 'i');
const deviceModel = new RegExp(botRules.deviceModel, 'gi');
const browser = anyOf(botRules.browser);
const named = anyOf(botRules.named);
const contact = new RegExp(botRules.contact, 'gi');
const selfNamed = anyOf(botRules.selfNamed);
const client = anyOf(botRules.client);

/**
 * True when the server would refuse this user agent as a bot (BOT_DETECTED): named crawlers,
 * headless browsers, generic HTTP clients. An empty agent counts as a bot, as on the server. Use
 * it to skip crawler traffic before it spends your rate limit.
 */
export function isBot(userAgent: string | null | undefined): boolean {
  const agent = typeof userAgent === 'string' ? userAgent : '';
  if (agent.trim() === '' || headless(agent)) return true;
  if (browserShape.test(agent)) return browser(agent.replace(deviceModel, '$1-'));
  if (named(agent)) return true;
  const names = agent.replace(contact, ' ');
  return selfNamed(names) || client(names);
}
