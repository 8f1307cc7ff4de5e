import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../test/support/ports.ts';

/**
 * Prints the exact answers (status line, headers in order, body) a full server gives to a fixed set
 * of `/e/` requests, with the per-request values (Date, request ids, rate-limit counters) masked.
 * Run it on two versions and diff the output: a faster ingest path must answer byte for byte alike.
 *   node --import tsx bench/ingest/answers-snapshot.ts [--entry packages/server/src/main.ts]
 * Every request here asks `connection: close`, so keep-alive behaviour (such as the connection
 * closed after a parser error) is not in it: test/ingest-fast-path.test.ts compares that.
 */
const entryIndex = process.argv.indexOf('--entry');
const entry = entryIndex > 0 ? process.argv[entryIndex + 1]! : 'packages/server/src/main.ts';
const repoRoot = path.resolve(import.meta.dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-answers-'));
const port = await freePort();
const env = {
  ...process.env,
  PORT: String(port),
  HOST: '127.0.0.1',
  ZENOVAY_DATA_DIR: dataDir,
  ZENOVAY_LOG_LEVEL: 'error',
};
const cli = (...args: string[]) =>
  JSON.parse(
    execFileSync(process.execPath, ['packages/server/bin/zenovay.mjs', ...args, '--json'], {
      cwd: repoRoot,
      env,
    }).toString(),
  ) as Record<string, string>;
const code = cli('sites', 'add', 'shop.example').tracking_code!;
const server = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: repoRoot, env, stdio: 'inherit' });

const agent =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
const event = (more: Record<string, unknown>) =>
  JSON.stringify({
    event_type: 'pageview',
    url: 'https://shop.example/a?utm_source=x',
    session_id: 'session-0001',
    device_type: 'desktop',
    browser: 'Chrome',
    os: 'Linux',
    user_agent: agent,
    ...more,
  });
const good = event({ event_id: 'e-1' });
type Case = [name: string, method: string, target: string, headers: Record<string, string>, body: string];
const json = { 'content-type': 'application/json' };
const cases: Case[] = [
  ['accepted', 'POST', `/e/${code}`, json, good],
  ['duplicate', 'POST', `/e/${code}`, json, good],
  [
    'beacon text/plain',
    'POST',
    `/e/${code}`,
    { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://www.shop.example' },
    good.replace('e-1', 'e-2'),
  ],
  ['server visit', 'POST', `/e/${code}`, json, event({ session_id: 'zv:auto-session' })],
  [
    'caller request id',
    'POST',
    `/e/${code}`,
    { ...json, 'x-request-id': 'abc-123' },
    good.replace('e-1', 'e-3'),
  ],
  ['invalid json', 'POST', `/e/${code}`, json, '{"url":'],
  ['not an object', 'POST', `/e/${code}`, json, '[1]'],
  ['validation', 'POST', `/e/${code}`, json, JSON.stringify({ url: 'nope', user_agent: 5 })],
  ['bot', 'POST', `/e/${code}`, json, event({ user_agent: 'curl/8.0' })],
  ['charset', 'POST', `/e/${code}`, { 'content-type': 'application/json; charset=latin1' }, good],
  ['media type', 'POST', `/e/${code}`, { 'content-type': 'application/xml' }, good],
  ['no content type', 'POST', `/e/${code}`, {}, good],
  ['too large', 'POST', `/e/${code}`, json, event({ pad: 'x'.repeat(70_000) })],
  ['empty body', 'POST', `/e/${code}`, json, ''],
  ['unknown code', 'POST', '/e/ZV_nope', json, good],
  ['origin', 'POST', `/e/${code}`, { ...json, origin: 'https://evil.example' }, good],
  ['query string', 'POST', `/e/${code}?x=1`, json, good.replace('e-1', 'e-4')],
  ['bad proxy key', 'POST', `/e/${code}`, { ...json, 'x-zenovay-proxy-key': 'zvp_x' }, good],
  ['get', 'GET', `/e/${code}`, {}, ''],
  ['preflight', 'OPTIONS', `/e/${code}`, { origin: 'https://shop.example' }, ''],
];

function exchange(
  method: string,
  target: string,
  headers: Record<string, string>,
  body: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const lines = [`${method} ${target} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close'];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    if (method !== 'GET' && method !== 'OPTIONS') lines.push(`content-length: ${Buffer.byteLength(body)}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

const mask = (answer: string) =>
  answer
    .replace(/^(date): .*$/gim, '$1: <date>')
    .replace(/^(x-request-id): [0-9a-f-]{36}$/gim, '$1: <uuid>')
    .replace(/^(x-ratelimit-remaining|x-ratelimit-reset): \d+$/gim, '$1: <n>')
    .replace(/"session_id":"[^"]+"/g, '"session_id":"<id>"');

try {
  for (let attempt = 0; ; attempt++) {
    const health = await exchange('GET', '/healthz', {}, '').catch(() => '');
    if (health.startsWith('HTTP/1.1 200')) break;
    if (attempt > 300) throw new Error('the server did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const [name, method, target, headers, body] of cases) {
    console.log(`### ${name}\n${mask(await exchange(method, target, headers, body))}\n`);
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
