import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import type { Site } from '../packages/server/src/store/types.ts';
import {
  gbVisitor,
  type Recorder,
  startRecorder,
  storedRow,
  trackerEvent,
  usVisitor,
} from './proxy-helpers.ts';
import { send } from './support/http-from.ts';
import { freePort } from './support/ports.ts';
import { addSite, startTestServer, type TestServer } from './support/test-server.ts';

// The nginx recipe of docs/proxy.md, taken verbatim, run by real nginx (Debian's package) in
// front of a recording hop and the real service. The test client plays the site's CDN: nginx
// believes its X-Test-Visitor-IP header (realip module, from 127.0.0.1 only), exactly as the page
// tells operators behind a CDN to configure it; the recipe then forwards $remote_addr.
const nginxBinary = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((file) => fs.existsSync(file));

let server: TestServer;
let recorder: Recorder;
let site: Site;
let otherSite: Site;
let key: string;
let nginxPort: number;
let nginx: ChildProcess | undefined;
let workDir: string;

/** The first ```nginx block of the "First-party proxy" page (docs/proxy.md). */
function readmeRecipe(): string {
  const page = fs.readFileSync(path.resolve('docs/proxy.md'), 'utf8');
  const match = /```nginx\n([\s\S]*?)```/.exec(page);
  assert.ok(match, 'docs/proxy.md has an nginx recipe');
  return match[1]!;
}

function recipeFor(prefix: string, upstream: string, proxyKey: string | null): string {
  let recipe = readmeRecipe()
    .replaceAll('https://zenovay.example.com', upstream)
    .replaceAll('/zv/', `${prefix}/`);
  assert.ok(recipe.includes('zvp_REPLACE_WITH_YOUR_PROXY_KEY'));
  if (proxyKey === null) recipe = recipe.replace(/^.*X-Zenovay-Proxy-Key.*$/m, '');
  else recipe = recipe.replace('zvp_REPLACE_WITH_YOUR_PROXY_KEY', proxyKey);
  return recipe;
}

function waitForPort(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let attempts = 0;
    const tryOnce = () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (++attempts >= 100) reject(new Error(`nginx did not listen on ${port}`));
        else setTimeout(tryOnce, 50);
      });
    };
    tryOnce();
  });
}

before(async () => {
  assert.ok(nginxBinary, 'nginx is installed (apt-get install -y nginx; .ci/run does it)');
  server = await startTestServer({ config: { ingestLimits: [{ limit: 3, windowMs: 10_000 }] } });
  recorder = await startRecorder(server);
  site = await addSite(server, 'shop.example');
  otherSite = await addSite(server, 'blog.example');
  key = (await server.runtime.proxyKeys.create({ siteId: site.id })).key;
  const otherKey = (await server.runtime.proxyKeys.create({ siteId: otherSite.id })).key;

  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-nginx-'));
  fs.chmodSync(workDir, 0o755); // workers may run as another user when the test runs as root
  nginxPort = await freePort();
  const conf = `
worker_processes 1;
pid ${workDir}/nginx.pid;
error_log ${workDir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${workDir}/client_body;
  proxy_temp_path ${workDir}/proxy;
  fastcgi_temp_path ${workDir}/fastcgi;
  uwsgi_temp_path ${workDir}/uwsgi;
  scgi_temp_path ${workDir}/scgi;
  server {
    listen 127.0.0.1:${nginxPort};
    # The site's CDN (the test client) reports the visitor.
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Test-Visitor-IP;
    # docs/proxy.md recipe, as printed:
${recipeFor('/zv', recorder.url, key)}
    # The same recipe with another site's key, and with the key line removed:
${recipeFor('/wrongkey', recorder.url, otherKey)}
${recipeFor('/nokey', recorder.url, null)}
  }
}
`;
  const confFile = path.join(workDir, 'nginx.conf');
  fs.writeFileSync(confFile, conf);
  execFileSync(nginxBinary!, ['-t', '-q', '-p', workDir, '-e', `${workDir}/error.log`, '-c', confFile]);
  nginx = spawn(
    nginxBinary!,
    ['-p', workDir, '-e', `${workDir}/error.log`, '-c', confFile, '-g', 'daemon off;'],
    {
      stdio: 'ignore',
    },
  );
  await waitForPort(nginxPort);
});

after(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx!.once('exit', resolve));
    nginx.kill('SIGTERM');
    await exited;
  }
  await recorder?.close();
  await server?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});
beforeEach(() => server.clock.advance(60_000));

const browserHeaders = {
  'content-type': 'text/plain;charset=UTF-8',
  origin: 'https://shop.example',
  'user-agent':
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  cookie: 'session=site-secret',
  authorization: 'Basic c2l0ZTpzZWNyZXQ=',
  // What a visitor might try: forge its address and a key.
  'x-forwarded-for': '1.2.3.4',
  'x-zenovay-proxy-key': 'zvp_forged',
};

function visit(visitor: string | null, prefix = '/zv', forgedKey = true) {
  const event = trackerEvent(site);
  const { 'x-zenovay-proxy-key': forged, ...rest } = browserHeaders;
  const headers: Record<string, string> = forgedKey ? { ...rest, 'x-zenovay-proxy-key': forged } : rest;
  if (visitor !== null) headers['x-test-visitor-ip'] = visitor;
  return send(nginxPort, { path: `${prefix}/e/${site.trackingCode}`, body: event.body, headers }).then(
    (answer) => ({ ...answer, marker: event.marker }),
  );
}

test('through nginx, two visitors land with their own countries and nothing private is forwarded', async () => {
  const before = recorder.seen.length;
  const us = await visit(usVisitor);
  const gb = await visit(gbVisitor);
  assert.equal(us.status, 202, us.text);
  assert.equal(gb.status, 202, gb.text);
  assert.equal((await storedRow(server, site, us.marker)).country, 'US');
  assert.equal((await storedRow(server, site, gb.marker)).country, 'GB');
  const seen = recorder.seen.slice(before);
  assert.deepEqual(
    seen.map((request) => request.headers['x-forwarded-for']),
    [usVisitor, gbVisitor],
  );
  for (const request of seen) {
    assert.equal(request.path, `/e/${site.trackingCode}`);
    assert.equal(request.headers['x-zenovay-proxy-key'], key, 'the configured key, not the forged one');
    assert.equal(request.headers.cookie, undefined);
    assert.equal(request.headers.authorization, undefined);
    assert.equal(request.headers.origin, browserHeaders.origin);
    assert.equal(request.headers['user-agent'], browserHeaders['user-agent']);
  }
});

test('through nginx, each visitor has its own rate-limit budget', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await visit(usVisitor)).status, 202);
  const refused = await visit(usVisitor);
  assert.equal(refused.status, 429);
  assert.equal(refused.body.error.code, 'RATE_LIMIT_EXCEEDED');
  assert.equal((await visit(gbVisitor)).status, 202);
});

test('nginx serves z.js from the site’s path', async () => {
  const direct = await send(server.port, { method: 'GET', path: '/z.js' });
  const proxied = await send(nginxPort, { method: 'GET', path: '/zv/z.js', headers: { cookie: 'a=b' } });
  assert.equal(proxied.status, 200);
  assert.equal(proxied.text, direct.text);
  assert.match(String(proxied.headers['content-type']), /^text\/javascript/);
});

test('the recipe with another site’s key is refused (401); without the key line, the connecting address rules', async () => {
  const wrong = await visit(usVisitor, '/wrongkey');
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error.code, 'INVALID_PROXY_KEY');
  // A keyless proxy passes the visitor's own (forged) key header on: refused too.
  assert.equal((await visit(usVisitor, '/nokey')).status, 401);
  const keyless = await visit(usVisitor, '/nokey', false);
  assert.equal(keyless.status, 202);
  assert.equal((await storedRow(server, site, keyless.marker)).country, '', 'not located as 8.8.8.8');
});

test('nginx refuses bodies over the recipe’s 32 KiB cap', async () => {
  const before = recorder.seen.length;
  const answer = await send(nginxPort, {
    path: `/zv/e/${site.trackingCode}`,
    body: 'x'.repeat(40 * 1024),
    headers: { 'content-type': 'text/plain', 'x-test-visitor-ip': usVisitor },
  });
  assert.equal(answer.status, 413);
  assert.equal(recorder.seen.length, before);
});
