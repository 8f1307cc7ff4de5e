import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { startAdminServer } from '../packages/server/src/admin/admin-server.ts';
import { runCli } from '../packages/server/src/cli/main.ts';
import { createLogger } from '../packages/server/src/log.ts';
import { apiGet, createKey } from './api-helpers.ts';
import { postEvent, serverDefaults, startTestServer } from './support/test-server.ts';

function collector() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { stream, text: () => text };
}

async function exportCli(dataDir: string, args: string[]) {
  const stdout = collector();
  const stderr = collector();
  const code = await runCli(['export', ...args], { ZENOVAY_DATA_DIR: dataDir }, () => undefined, {
    stdout: stdout.stream,
    stderr: stderr.stream,
  });
  assert.equal(code, 0);
  return { stdout: stdout.text(), stderr: stderr.text() };
}

test('zenovay export writes the same file as the API, through the server or directly', async () => {
  const server = await startTestServer();
  const admin = await startAdminServer(server.runtime, createLogger('silent'));
  const site = await server.runtime.sites.add('cli.example');
  const key = await createKey(server, { siteId: site.id });
  for (let i = 0; i < 30; i++) {
    server.clock.advance(60_000);
    const response = await postEvent(server, site.trackingCode, {
      ...serverDefaults,
      session_id: `session-${i % 7}-abc`,
      url: `https://cli.example/p/${i}`,
      ...(i % 5 === 0
        ? { event_type: 'custom', event_name: `line one\nline "${i}", two`, properties: { i } }
        : {}),
    });
    assert.equal(response.status, 202);
  }
  const range = ['--site', site.id, '--from', '2026-03-10', '--to', '2026-03-10'];
  const outFile = path.join(server.dataDir, 'events.csv');
  let viaApi: string;
  try {
    viaApi = (await apiGet(server, `/export/${site.id}?from=2026-03-10&to=2026-03-10&format=csv`, key)).body;
    const socket = await exportCli(server.dataDir, [...range, '--format', 'csv', '--out', outFile]);
    assert.match(socket.stderr, /Exported 30 events to .*events\.csv/);
    assert.equal(fs.readFileSync(outFile, 'utf8'), viaApi);
    assert.equal((fs.statSync(outFile).mode & 0o777).toString(8), '600', 'exports may hold personal data');

    const toStdout = await exportCli(server.dataDir, [...range, '--format', 'ndjson']);
    const lines = toStdout.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 30);
    assert.equal(JSON.parse(lines[0]!).event_name, 'line one\nline "0", two');

    await assert.rejects(
      exportCli(server.dataDir, ['--site', 'unknown', '--from', '2026-03-10', '--to', '2026-03-10']),
      /no site has id "unknown"/,
    );
    await assert.rejects(
      exportCli(server.dataDir, ['--site', site.id, '--from', '2026-03-10', '--to', '2026-03-01']),
      /--to must not be before from/,
    );
  } finally {
    await admin.close();
    await server.stop();
  }

  fs.rmSync(outFile);
  const direct = await exportCli(server.dataDir, [...range, '--format', 'csv', '--out', outFile]);
  assert.match(direct.stderr, /Exported 30 events/);
  assert.equal(fs.readFileSync(outFile, 'utf8'), viaApi);
});
