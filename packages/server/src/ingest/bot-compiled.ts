import { type BotRuleSources, botRuleSources, type RuleGroup } from './bot-rules.ts';
import { trieSource } from './bot-trie.ts';

/**
 * The rules as the few regex sources a filter compiles: each group folded into one trie-shaped
 * alternation. The server compiles these, and the SDKs' generated files are these same strings,
 * so every runtime runs the same expressions.
 */
export interface CompiledBotRules {
  readonly headless: string;
  readonly browserShape: string;
  readonly deviceModel: string;
  /** Tested one after the other (one alternation of both would lose the trie's speed). */
  readonly browser: readonly string[];
  readonly named: string;
  readonly contact: string;
  readonly selfNamed: string;
  readonly client: string;
}

function group(rule: RuleGroup): string {
  return trieSource(rule.sources, { wordStart: rule.wordStart });
}

export function compiledBotRules(rules: BotRuleSources = botRuleSources()): CompiledBotRules {
  return {
    headless: group(rules.headless),
    browserShape: rules.browserShape,
    deviceModel: rules.deviceModel,
    browser: rules.browser.map(group),
    named: group(rules.named),
    contact: rules.contact,
    selfNamed: group(rules.selfNamed),
    client: group(rules.client),
  };
}
