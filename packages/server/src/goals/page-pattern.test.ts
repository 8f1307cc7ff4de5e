import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pagePatternProblem, pagePatternRegex } from './page-pattern.ts';

const matches = (pattern: string, path: string) => new RegExp(pagePatternRegex(pattern)).test(path);

test('* stays within a segment, ** crosses segments, the rest matches itself', () => {
  assert.equal(matches('/checkout/*', '/checkout/step-1'), true);
  assert.equal(matches('/checkout/*', '/checkout/'), true);
  assert.equal(matches('/checkout/*', '/checkout/a/b'), false);
  assert.equal(matches('/checkout/*', '/checkout'), false);
  assert.equal(matches('/blog/**', '/blog/2026/03/post'), true);
  assert.equal(matches('/blog/**', '/blogroll'), false);
  assert.equal(matches('/product-*-detail', '/product-42-detail'), true);
  assert.equal(matches('/thanks', '/thanks'), true);
  assert.equal(matches('/thanks', '/thanks/again'), false);
  assert.equal(matches('/a.b', '/aXb'), false);
  assert.equal(matches('/(x)+[y]', '/(x)+[y]'), true);
  assert.equal(matches('**/success', '/en/checkout/success'), true);
});

test('unusable patterns are refused with a reason', () => {
  assert.equal(pagePatternProblem('/checkout/*'), null);
  assert.equal(pagePatternProblem('/**'), null);
  assert.match(pagePatternProblem('') ?? '', /empty/);
  assert.match(pagePatternProblem('checkout') ?? '', /start with/);
  assert.match(pagePatternProblem('/a/***') ?? '', /three or more/);
  assert.match(pagePatternProblem('/a b') ?? '', /white space/);
  assert.match(pagePatternProblem(`/${'a'.repeat(2048)}`) ?? '', /2048/);
});
