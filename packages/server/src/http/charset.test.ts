import assert from 'node:assert/strict';
import { test } from 'node:test';
import { declaredCharset, declaresUtf8 } from './charset.ts';

test('the charset parameter is read case-insensitively, quoted or not', () => {
  assert.equal(declaredCharset('application/json'), null);
  assert.equal(declaredCharset(undefined), null);
  assert.equal(declaredCharset('application/json; charset=UTF-8'), 'utf-8');
  assert.equal(declaredCharset('application/json;charset="utf-16"'), 'utf-16');
  assert.equal(declaredCharset('text/plain; format=flowed; CHARSET = ISO-8859-1'), 'iso-8859-1');
  assert.equal(declaredCharset('application/json; charset='), '');
});

test('UTF-8, or no charset at all, is the only encoding accepted', () => {
  for (const type of [
    undefined,
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=UTF-8',
    'application/json; charset="utf-8"',
    'text/plain;charset=utf8',
  ]) {
    assert.equal(declaresUtf8(type), true, String(type));
  }
  for (const type of [
    'application/json; charset=utf-16',
    'application/json; charset="UTF-16LE"',
    'text/plain; charset=iso-8859-1',
    'application/json; charset=us-ascii',
    'application/json; charset=',
  ]) {
    assert.equal(declaresUtf8(type), false, type);
  }
});
