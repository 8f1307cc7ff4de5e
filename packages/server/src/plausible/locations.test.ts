import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countryName, countryNameFilter, isCountryCode } from './locations.ts';

describe('country codes and names', () => {
  it('knows ISO 3166-1 alpha-2 codes only', () => {
    for (const code of ['DE', 'US', 'GB', 'AU', 'EE']) assert.ok(isCountryCode(code), code);
    for (const value of ['USA', 'de', 'ZZ', 'EU', 'UN', 'QQ', '', 'D1'])
      assert.ok(!isCountryCode(value), value);
    assert.equal(countryName('DE'), 'Germany');
    assert.equal(countryName('(none)'), '(none)');
  });

  it('turns name filters into code filters', () => {
    assert.deepEqual(countryNameFilter('is', ['Germany', 'Estonia'], true), {
      op: 'is',
      values: ['DE', 'EE'],
    });
    assert.deepEqual(countryNameFilter('is', ['germany'], true), { op: 'is', values: ['germany'] });
    assert.deepEqual(countryNameFilter('is_not', ['germany'], false), { op: 'is_not', values: ['DE'] });
    assert.deepEqual(countryNameFilter('contains_not', ['Zealand'], true), { op: 'is_not', values: ['NZ'] });
    assert.deepEqual(countryNameFilter('is_not', [''], true), { op: 'is_not', values: [''] });
  });
});
