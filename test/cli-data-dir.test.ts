import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startServerProcess } from './support/process-server.ts';
import { tempDataDir } from './support/test-server.ts';

// The CLI run away from the server's data directory must say where it looked, instead of making
// up an empty database there and answering "No sites yet". Runs the real `zenovay` launcher.

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../packages/server/bin/zenovay.mjs');
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const dir = tempDataDir('zenovay-cli-dir-');
  dirs.push(dir);
  return dir;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `zenovay ...args` from `cwd`, with ZENOVAY_DATA_DIR only when given. */
function zenovay(cwd: string, args: string[], dataDirEnv?: string): Promise<Run> {
  const env = { ...process.env };
  delete env.ZENOVAY_DATA_DIR;
  if (dataDirEnv !== undefined) env.ZENOVAY_DATA_DIR = dataDirEnv;
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

test('a read command in a directory with no server and no database says where it looked', async () => {
  const cwd = scratch();
  const expected = path.join(cwd, 'data');
  for (const args of [
    ['sites', 'list'],
    ['stats', 'filtered'],
    ['keys', 'list'],
    ['goals', 'list', '--site', 'x'],
  ]) {
    const run = await zenovay(cwd, args);
    assert.equal(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stdout, '');
    assert.ok(run.stderr.includes(`no Zenovay data in ${expected}:`), run.stderr);
    assert.match(run.stderr, /no server is running there/);
    assert.match(run.stderr, /no database \(zenovay\.duckdb\)/);
    assert.match(run.stderr, /--data-dir DIR or ZENOVAY_DATA_DIR=DIR/);
  }
  assert.equal(fs.existsSync(expected), false, 'nothing was created');
});

test('--data-dir wins over ZENOVAY_DATA_DIR and a relative one is shown absolute', async () => {
  const cwd = scratch();
  const run = await zenovay(cwd, ['sites', 'list', '--data-dir', 'elsewhere'], path.join(cwd, 'from-env'));
  assert.equal(run.code, 1);
  assert.ok(run.stderr.includes(`no Zenovay data in ${path.join(cwd, 'elsewhere')}:`), run.stderr);
});

test('sites add may create the database, and says where; an empty one is named', async () => {
  const cwd = scratch();
  const dataDir = path.join(cwd, 'fresh');
  const file = path.join(dataDir, 'zenovay.duckdb');

  const users = await zenovay(cwd, ['users', 'add', 'owner@example.com', '--json', '--data-dir', dataDir]);
  assert.equal(users.code, 0, users.stderr);
  assert.equal(users.stderr, `Created a new database in ${file}\n`);
  assert.equal(JSON.parse(users.stdout).email, 'owner@example.com', 'stdout stays one JSON document');

  const empty = await zenovay(cwd, ['sites', 'list', '--data-dir', dataDir]);
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal(empty.stdout, `No sites yet in ${file}: zenovay sites add example.com\n`);

  const added = await zenovay(cwd, ['sites', 'add', 'example.com', '--data-dir', dataDir]);
  assert.equal(added.code, 0, added.stderr);
  assert.equal(added.stderr, '', 'the database existed: nothing to announce');
  assert.match(added.stdout, /^Site example\.com\n/);

  const other = path.join(cwd, 'other');
  const first = await zenovay(cwd, ['sites', 'add', 'example.org'], other);
  assert.equal(first.stderr, `Created a new database in ${path.join(other, 'zenovay.duckdb')}\n`);
});

test('with a server running on the directory, the CLI names the server', async () => {
  const dataDir = scratch();
  const server = await startServerProcess({ dataDir });
  try {
    const run = await zenovay(scratch(), ['sites', 'list', '--data-dir', dataDir]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      `No sites yet in the server running on ${dataDir}: zenovay sites add example.com\n`,
    );
  } finally {
    await server.kill('SIGTERM');
  }
});
