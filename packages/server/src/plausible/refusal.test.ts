import assert from 'node:assert/strict';
import { test } from 'node:test';
import { show } from './refusal.ts';

test('show writes a sent value as JSON, bounded in length and depth', () => {
  assert.equal(show(['is', 'visit:country', ['USA']]), '["is","visit:country",["USA"]]');
  assert.equal(show({ case_sensitive: 'no' }), '{"case_sensitive":"no"}');
  assert.equal(show(undefined), 'undefined');
  assert.equal(show('x'.repeat(300)), `"${'x'.repeat(199)}…`);
  // 100,000 levels: JSON.stringify would overflow the stack.
  const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  // Eight levels written, the ninth elided.
  assert.equal(show(deep), `${'['.repeat(8)}[…]${']'.repeat(8)}`);
});
