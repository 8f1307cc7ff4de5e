import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { crawlerListSources, isbotSources } from './bot-rules.ts';
import { trieSource } from './bot-trie.ts';

test('a trie of literals is the alternation of the literals, shared prefixes once', () => {
  assert.equal(trieSource(['googlebot', 'gptbot', 'bingbot']), '(?:bingbot|g(?:ooglebot|ptbot))');
  assert.equal(trieSource(['Foo', 'foo/1']), 'foo', 'a shorter literal already matches: case is folded');
  assert.equal(trieSource(['bots?', '^curl', '[wW]get']), '(?:^(?:curl)|(?:bots?|wget))');
  assert.equal(trieSource(['a|b(c)']), '(?:a|b(c))', 'top-level branches are patterns of their own');
});

test('wordStart: a name beginning with a letter matches only where a word begins', () => {
  const source = trieSource(['Upflow', '360Spider'], { wordStart: true });
  const pattern = new RegExp(source, 'i');
  assert.equal(pattern.test('SignupFlow/1.0'), false);
  assert.equal(pattern.test('Upflow/1.0'), true);
  assert.equal(pattern.test('x (upflow)'), true);
  assert.equal(pattern.test('Mozilla/5.0 (compatible; 360Spider)'), true);
  assert.equal(pattern.test('My360Spider'), true, 'a name beginning with a digit stays a substring');
});

// The lists use lookbehinds, anchors, classes and groups: the trie must not change a verdict.
test('the trie of both lists judges every agent as the plain alternation does', () => {
  const sources = [...isbotSources(), ...crawlerListSources()];
  const plain = new RegExp(sources.map((source) => `(?:${source})`).join('|'), 'i');
  const trie = new RegExp(trieSource(sources), 'i');
  const fragments = sources.map((source) => source.replace(/[\\^$()[\]?*+{}|]/g, ''));
  const agent = fc
    .array(
      fc.oneof(fc.constantFrom(...fragments, ' ', '/', ';', '(', ')', '1.0', 'Mozilla/5.0 '), fc.string()),
      {
        maxLength: 6,
      },
    )
    .map((parts) => parts.join(''));
  fc.assert(
    fc.property(agent, (text) => plain.test(text) === trie.test(text)),
    { numRuns: 3000, seed: 18 },
  );
});
