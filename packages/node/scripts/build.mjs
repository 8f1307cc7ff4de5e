#!/usr/bin/env node
// Builds @zenovay/node: one ESM and one CJS bundle (esbuild) plus type declarations (tsc) for each.
// Usage: node scripts/build.mjs [outDir]   (default: dist)
// The CJS half lives under a folder whose package.json says "commonjs", so Node and TypeScript read
// both its .js and its .d.ts files as CommonJS while the package itself stays ESM.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.resolve(root, process.argv[2] ?? 'dist');
const entry = path.join(root, 'src/index.ts');

fs.rmSync(outDir, { recursive: true, force: true });
const common = {
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  target: 'node18',
  logLevel: 'warning',
};
await build({ ...common, format: 'esm', outfile: path.join(outDir, 'esm/index.js') });
await build({ ...common, format: 'cjs', outfile: path.join(outDir, 'cjs/index.js') });
fs.writeFileSync(path.join(outDir, 'cjs/package.json'), '{ "type": "commonjs" }\n');

const tsc = require.resolve('typescript/bin/tsc');
const types = spawnSync(
  process.execPath,
  [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', path.join(outDir, 'esm')],
  { stdio: 'inherit' },
);
if (types.status !== 0) process.exit(types.status ?? 1);
for (const file of fs.readdirSync(path.join(outDir, 'esm'))) {
  if (file.endsWith('.d.ts')) fs.copyFileSync(path.join(outDir, 'esm', file), path.join(outDir, 'cjs', file));
}
// On stderr: `npm pack --json` runs this (prepare) and its stdout must stay JSON.
console.error(`built ${path.relative(process.cwd(), outDir) || '.'}`);
