import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiKeyPrefix, generateApiKey, hashApiKey, isWellFormedApiKey } from './api-key.ts';
import { presentedApiKey } from './credentials.ts';
import { ApiKeyInputError, parsePermissions } from './key-service.ts';

test('generated keys: zv_ + 43 base64url chars, distinct, hash is SHA-256 hex, prefix is 11 chars', () => {
  const a = generateApiKey();
  const b = generateApiKey();
  assert.match(a.key, /^zv_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a.key, b.key);
  assert.equal(a.keyHash, hashApiKey(a.key));
  assert.match(a.keyHash, /^[0-9a-f]{64}$/);
  assert.equal(a.prefix, a.key.slice(0, 11));
  assert.equal(apiKeyPrefix(a.key), a.prefix);
  assert.ok(isWellFormedApiKey(a.key));
  for (const bad of ['', 'zv_', `ZV_${a.key.slice(3)}`, `${a.key} `, `${a.key}=`, `zv_${'a'.repeat(42)}!`]) {
    assert.equal(isWellFormedApiKey(bad), false, bad);
  }
});

test('the key is read from X-API-Key first, else from a Bearer authorization', () => {
  assert.equal(presentedApiKey({ 'x-api-key': ' zv_a ' }), 'zv_a');
  assert.equal(presentedApiKey({ authorization: 'Bearer zv_b' }), 'zv_b');
  assert.equal(presentedApiKey({ authorization: 'bearer   zv_b  ' }), 'zv_b');
  assert.equal(presentedApiKey({ 'x-api-key': 'zv_a', authorization: 'Bearer zv_b' }), 'zv_a');
  assert.equal(presentedApiKey({ authorization: 'Basic zv_b' }), undefined);
  assert.equal(presentedApiKey({ authorization: 'Bearer a b' }), undefined);
  assert.equal(presentedApiKey({}), undefined);
});

test('permissions: read and/or ingest, comma lists, any case; anything else refused', () => {
  assert.deepEqual(parsePermissions(['read']), ['read']);
  assert.deepEqual(parsePermissions(['ingest,READ']), ['read', 'ingest']);
  assert.deepEqual(parsePermissions(['ingest', ' ingest ']), ['ingest']);
  assert.throws(() => parsePermissions(['admin']), ApiKeyInputError);
  assert.throws(() => parsePermissions(['']), ApiKeyInputError);
  assert.throws(() => parsePermissions([]), ApiKeyInputError);
});
