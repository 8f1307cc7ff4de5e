import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importCycles, readImportGraph } from './support/import-graph.ts';
import { tempDataDir } from './support/test-server.ts';

// The server's modules form no import cycle: each imports what it needs from the module that
// defines it, never from a barrel that re-exports itself, so load order is never a surprise.

const serverSource = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../packages/server/src');
const scratch: string[] = [];
after(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = tempDataDir('zenovay-imports-');
  scratch.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const named = (root: string, cycles: string[][]) =>
  cycles.map((cycle) => cycle.map((file) => path.relative(root, file)));

test('packages/server/src has no import cycle', () => {
  const graph = readImportGraph(serverSource);
  assert.ok(graph.size > 100, `the walker found the sources (${graph.size} files)`);
  assert.deepEqual(named(serverSource, importCycles(graph)), []);
});

test('the walker finds cycles through type imports, re-exports and folders, and ignores import()', () => {
  const root = tree({
    'index.ts': "export { engine } from './engine.ts';\nexport interface Engine { run(): void }\n",
    'engine.ts': "import type { Engine } from './index.ts';\nexport const engine: Engine = { run() {} };\n",
    'a/ops.ts': "import { Failure } from '../b/proxy.ts';\nexport type Ops = { f: Failure };\n",
    'b/proxy.ts': "import type { Ops } from '../a/ops.ts';\nexport class Failure {}\nexport type P = Ops;\n",
    'lazy.ts': "export async function later() { return import('./late.ts'); }\n",
    'late.ts': "import './lazy.ts';\n",
    'self.ts': "export * from './self.ts';\n",
    'fine.ts': "import { engine } from './engine.ts';\nimport 'node:fs';\nexport const x = engine;\n",
    'fine.test.ts': "import './fine.ts';\n",
  });
  assert.deepEqual(named(root, importCycles(readImportGraph(root))), [
    ['a/ops.ts', 'b/proxy.ts', 'a/ops.ts'],
    ['engine.ts', 'index.ts', 'engine.ts'],
    ['self.ts', 'self.ts'],
  ]);
});
