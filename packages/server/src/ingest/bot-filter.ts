import { type CompiledBotRules, compiledBotRules } from './bot-compiled.ts';
import type { BotReason } from './bot-rules.ts';

export type { BotReason };

/** Why an agent is refused, or null when it is accepted. An empty agent is a client without a name. */
export type BotClassifier = (userAgent: string) => BotReason | 'empty' | null;

/**
 * Compiles the rules once (each group is a few trie-shaped expressions, a few µs per agent) and
 * applies them by the agent's shape, as bot-rules.ts explains. The SDKs run the same steps.
 */
export function createBotClassifier(rules: CompiledBotRules = compiledBotRules()): BotClassifier {
  const anyOf = (sources: readonly string[]) => {
    const patterns = sources.map((source) => new RegExp(source, 'i'));
    return (text: string) => patterns.some((pattern) => pattern.test(text));
  };
  const headless = anyOf(rules.headless);
  const browserShape = new RegExp(rules.browserShape, 'i');
  const deviceModel = new RegExp(rules.deviceModel, 'gi');
  const browser = anyOf(rules.browser);
  const named = anyOf(rules.named);
  const contact = new RegExp(rules.contact, 'gi');
  const selfNamed = anyOf(rules.selfNamed);
  const client = anyOf(rules.client);
  return (userAgent) => {
    if (userAgent.trim() === '') return 'empty';
    if (headless(userAgent)) return 'headless';
    if (browserShape.test(userAgent)) {
      return browser(userAgent.replace(deviceModel, '$1-')) ? 'crawler' : null;
    }
    // Clients first: curl is also on the crawler list, and its sender needs the client's advice.
    const names = userAgent.replace(contact, ' ');
    if (client(names)) return 'client';
    return named(userAgent) || selfNamed(names) ? 'crawler' : null;
  };
}

/** True when the agent is refused: the verdict the SDKs' generated filters give. */
export function createBotFilter(rules?: CompiledBotRules): (userAgent: string) => boolean {
  const classify = createBotClassifier(rules);
  return (userAgent) => classify(userAgent) !== null;
}

/**
 * The refusal's sentence, fitted to who sent it: a browser-shaped crawler is never told to send
 * `MyApp-Server/1.0` (it is no server-side sender); a generic client is one that should name its
 * application.
 */
export function botRefusalMessage(reason: BotReason | 'empty'): string {
  switch (reason) {
    case 'headless':
      return 'A headless browser was detected (e.g. HeadlessChrome, PhantomJS, Puppeteer, Playwright, Selenium); automated browsers are not counted as visitors.';
    case 'crawler':
      return 'The user_agent names a known crawler, bot or monitor; crawler traffic is not counted as visits.';
    case 'client':
      return 'The user_agent is a generic HTTP client or library (e.g. curl, python-requests, axios); a server-side sender should name its application, e.g. "MyApp-Server/1.0".';
    case 'empty':
      return 'No user_agent was sent; a server-side sender should name its application, e.g. "MyApp-Server/1.0".';
  }
}
