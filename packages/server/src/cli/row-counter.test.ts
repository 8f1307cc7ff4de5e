import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { ExportRowCounter } from './row-counter.ts';

async function count(format: 'csv' | 'ndjson', pieces: string[]): Promise<[number, string]> {
  const counter = new ExportRowCounter(format);
  let text = '';
  await pipeline(Readable.from(pieces.map((piece) => Buffer.from(piece))), counter, async (source) => {
    for await (const chunk of source) text += chunk;
  });
  return [counter.rows, text];
}

test('CSV rows are counted by newlines outside quotes, header excluded, across chunk splits', async () => {
  const csv = 'a,b\n"x\ny",1\n"say ""hi""\n",2\nplain,3\n';
  const [rows, text] = await count('csv', [csv.slice(0, 7), csv.slice(7, 13), csv.slice(13)]);
  assert.equal(rows, 3);
  assert.equal(text, csv, 'bytes pass through unchanged');
});

test('an empty CSV export (header only) has no rows', async () => {
  assert.equal((await count('csv', ['a,b\n']))[0], 0);
});

test('NDJSON rows are lines; quotes inside JSON strings do not matter', async () => {
  const lines = `${JSON.stringify({ a: 'x"y\nz' })}\n${JSON.stringify({ a: '"' })}\n`;
  assert.equal((await count('ndjson', [lines.slice(0, 5), lines.slice(5)]))[0], 2);
});
