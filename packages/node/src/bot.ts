import { botPatternSources } from './bot-patterns.generated.js';

// One alternation, compiled once: the same construction as the server's createBotFilter().
const combined = new RegExp(botPatternSources.map((source) => `(?:${source})`).join('|'), 'i');

/**
 * True when the server would refuse this user agent as a bot (BOT_DETECTED): the exact rules of
 * the ingest filter, generated from its source. An empty agent counts as a bot, as on the server.
 * Use it to skip crawler traffic before it spends your rate limit.
 */
export function isBot(userAgent: string | null | undefined): boolean {
  const agent = typeof userAgent === 'string' ? userAgent : '';
  return agent.trim() === '' || combined.test(agent);
}
