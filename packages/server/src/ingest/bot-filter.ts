import { botPatternSources } from './bot-rules.ts';

/**
 * Compiles the bot rules once into a single case-insensitive regex; testing one alternation is
 * much cheaper per request than testing two hundred patterns.
 */
export function createBotFilter(
  sources: readonly string[] = botPatternSources(),
): (userAgent: string) => boolean {
  const combined = new RegExp(sources.map((source) => `(?:${source})`).join('|'), 'i');
  return (userAgent: string) => userAgent.trim() === '' || combined.test(userAgent);
}
