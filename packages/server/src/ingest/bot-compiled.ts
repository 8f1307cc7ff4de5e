import { type BotRuleSources, botRuleSources, type RuleGroup } from './bot-rules.ts';
import { trieParts } from './bot-trie.ts';

/**
 * The rules as the few regex sources a filter compiles: each group folded into trie-shaped
 * alternations (bot-trie.ts), an agent matching a group when it matches any of them. The server
 * compiles these, and the SDKs' generated files are these same strings, so every runtime runs the
 * same expressions.
 */
export interface CompiledBotRules {
  readonly headless: readonly string[];
  readonly browserShape: string;
  readonly deviceModel: string;
  readonly browser: readonly string[];
  readonly named: readonly string[];
  readonly contact: string;
  readonly selfNamed: readonly string[];
  readonly client: readonly string[];
}

function group(rule: RuleGroup): string[] {
  return trieParts(rule.sources, { wordStart: rule.wordStart });
}

export function compiledBotRules(rules: BotRuleSources = botRuleSources()): CompiledBotRules {
  return {
    headless: group(rules.headless),
    browserShape: rules.browserShape,
    deviceModel: rules.deviceModel,
    browser: rules.browser.flatMap(group),
    named: group(rules.named),
    contact: rules.contact,
    selfNamed: group(rules.selfNamed),
    client: group(rules.client),
  };
}
