#!/usr/bin/env node
// Runs every test file with Node's own test runner (TypeScript through tsx). Unit tests sit next
// to the code (`packages/*/src/**/*.test.ts`); cross-module and end-to-end tests live in `test/`.
// Pass file paths or substrings to run a subset: `node scripts/run-tests.mjs rate-limit`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const roots = ['packages', 'test'];
const skip = new Set(['node_modules', 'dist', '.test-data']);

function collect(dir, found) {
  if (!fs.existsSync(dir)) return found;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) collect(full, found);
    else if (/\.test\.(ts|mjs)$/.test(entry.name)) found.push(full);
  }
  return found;
}

const filters = process.argv.slice(2);
const files = roots
  .flatMap((root) => collect(root, []))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, ZENOVAY_LOG_LEVEL: process.env.ZENOVAY_LOG_LEVEL ?? 'silent' } },
);
process.exit(result.status ?? 1);
