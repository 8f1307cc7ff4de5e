import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const packageRoot = path.resolve('packages/node');
const manifest = JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8'));

test('the package declares no runtime dependencies and Node >= 18', () => {
  assert.equal(manifest.dependencies, undefined);
  assert.equal(manifest.peerDependencies, undefined);
  assert.equal(manifest.engines.node, '>=18');
});

test('the build gives ESM and CJS bundles with type declarations, both usable', async () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-node-build-'));
  try {
    await promisify(execFile)(process.execPath, [path.join(packageRoot, 'scripts/build.mjs'), outDir]);
    // Every path the exports map names exists (with dist/ standing for the build directory).
    const exported = manifest.exports['.'];
    for (const file of [
      exported.import.types,
      exported.import.default,
      exported.require.types,
      exported.require.default,
    ]) {
      assert.ok(fs.existsSync(path.join(outDir, file.replace('./dist/', ''))), file);
    }
    const esm = await import(pathToFileURL(path.join(outDir, 'esm/index.js')).href);
    const cjs = createRequire(import.meta.url)(path.join(outDir, 'cjs/index.js'));
    const api = ['backoffDelay', 'createClient', 'isBot', 'parseRetryAfter', 'serverDefaults', 'uuidv7'];
    for (const name of api) {
      assert.equal(typeof esm[name], 'function', `esm ${name}`);
      assert.equal(typeof cjs[name], 'function', `cjs ${name}`);
    }
    assert.equal(cjs.isBot('curl/8'), true);
    assert.equal(esm.isBot(esm.serverDefaults().user_agent), false);
    // Bundles reach for nothing but Node built-ins.
    const cjsText = fs.readFileSync(path.join(outDir, 'cjs/index.js'), 'utf8');
    const required = [...cjsText.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    assert.ok(required.length > 0 && required.every((name) => name?.startsWith('node:')), required.join());
    const types = fs.readFileSync(path.join(outDir, 'cjs/index.d.ts'), 'utf8');
    assert.match(types, /createClient/);
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
});
