import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../packages/server/src/log.ts';
import { postEventFrom } from './support/http-from.ts';
import { addSite, serverDefaults, startTestServer, tempDataDir } from './support/test-server.ts';

/** Client addresses that reach the server as forwarded clients (through the trusted proxy). */
const forwardedClients = [
  '8.8.8.8',
  '1.1.1.1',
  '81.2.69.142',
  '203.0.113.77',
  '2620:fe::fe',
  '2a00:1450:4001:81c::200e',
];
/** Client addresses that connect directly (any 127.0.0.0/8 source works on loopback). */
const directClients = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
/** A string we do store, in a field of its own: proves the search can see stored text. */
const storedCanary = 'canary-stored-7f3e91';

/** Every regular file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.isFile() ? [full] : [];
  });
}

/** For each needle, the files under `dir` whose bytes contain it. */
function filesContaining(dir: string, needles: readonly string[]): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  const files = filesUnder(dir);
  assert.ok(files.length > 0, 'the data directory has files to search');
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    for (const needle of needles) {
      if (bytes.includes(Buffer.from(needle, 'utf8')) || bytes.includes(Buffer.from(needle, 'utf16le'))) {
        found[needle] = [...(found[needle] ?? []), path.basename(file)];
      }
    }
  }
  return found;
}

test('raw client IP addresses appear in no file of the data directory, nor in the log', async () => {
  const dataDir = tempDataDir();
  const logLines: string[] = [];
  const server = await startTestServer({
    dataDir,
    config: { trustedProxyCidrs: ['127.0.0.1/32'], ingestLimits: [{ limit: 4, windowMs: 10_000 }] },
    runtime: { log: createLogger('debug', (line) => logLines.push(line)) },
  });
  const site = await addSite(server, 'example.com');
  const event = {
    ...serverDefaults,
    url: 'https://example.com/privacy',
    session_id: 'srv-privacy-01',
    properties: { marker: storedCanary },
  };
  const viaProxy = (client: string, body: unknown) =>
    postEventFrom(server, site.trackingCode, body, '127.0.0.1', {
      'x-forwarded-for': `${client}, 127.0.0.1`,
    });

  let accepted = 0;
  for (const client of forwardedClients) {
    // Accepted events (hash-derived visitor ids and located ones), then refusals of several kinds.
    for (let i = 0; i < 2; i++) if ((await viaProxy(client, event)).status === 202) accepted++;
    assert.equal((await viaProxy(client, { ...event, user_agent: 'curl/8.5.0' })).status, 403);
    assert.equal((await viaProxy(client, { ...event, session_id: 'x' })).status, 400);
    assert.equal((await viaProxy(client, event)).status, 429, 'the per-client limit of 4 is reached');
  }
  for (const client of directClients) {
    for (let i = 0; i < 4; i++) {
      if ((await postEventFrom(server, site.trackingCode, event, client)).status === 202) accepted++;
    }
    assert.equal((await postEventFrom(server, site.trackingCode, event, client)).status, 429);
    // A forged header from an untrusted source is ignored, and must not be stored either.
    await postEventFrom(server, site.trackingCode, event, client, { 'x-forwarded-for': '198.51.100.99' });
  }
  assert.equal(accepted, forwardedClients.length * 2 + directClients.length * 4);
  await server.runtime.refusals.flush();

  const needles = [...forwardedClients, ...directClients, '198.51.100.99'];
  const whileRunning = filesContaining(dataDir, [...needles, storedCanary]);
  assert.ok(whileRunning[storedCanary], 'the search finds text the server did store');
  assert.deepEqual(
    needles.filter((ip) => whileRunning[ip]).map((ip) => `${ip} in ${whileRunning[ip]}`),
    [],
  );

  await server.stop(); // drains, checkpoints and closes: everything is now in the files
  const afterStop = filesContaining(dataDir, [...needles, storedCanary]);
  assert.ok(afterStop[storedCanary], 'after stopping, the stored text is still found');
  assert.deepEqual(
    needles.filter((ip) => afterStop[ip]).map((ip) => `${ip} in ${afterStop[ip]}`),
    [],
  );

  const log = logLines.join('');
  assert.deepEqual(
    needles.filter((ip) => log.includes(ip)),
    [],
    'no client address in the log',
  );
  fs.rmSync(dataDir, { recursive: true, force: true });
});
