import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { freePort } from './support/ports.ts';
import { tempDataDir } from './support/test-server.ts';

/**
 * The documented start commands, run exactly as an operator or a process manager runs them: a
 * SIGTERM to the PID they start must stop the server, free its port and release the DuckDB file.
 * `npm start` is the case that used to fail: npm ran the server under `sh -c`, the shell died on
 * the forwarded signal and the server lived on, orphaned, still holding the file.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** A cold start compiles TypeScript and opens DuckDB; a busy 2-core box needs headroom. */
const startTimeoutMs = 45_000;
/** The drain commits queued events and closes the file; far less than this on an idle server. */
const stopTimeoutMs = 15_000;

const groups = new Set<number>();
const dirs: string[] = [];
after(() => {
  // A failed test must not leave a server behind: kill its whole process group.
  for (const group of groups) killGroup(group, 'SIGKILL');
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function killGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // the group is already gone
  }
}

/** True while any process of the group (the command and everything it started) still exists. */
function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  readonly dataDir: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

async function start(command: string, args: string[]): Promise<Started> {
  const port = await freePort();
  const dataDir = tempDataDir('zenovay-start-');
  dirs.push(dataDir);
  const child = spawn(command, args, {
    cwd: repoRoot,
    // Its own process group, so the test can see (and clean up) everything the command started.
    detached: true,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ZENOVAY_DATA_DIR: dataDir,
      ZENOVAY_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  assert.ok(child.pid);
  groups.add(child.pid);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${command} exited before it was healthy: ${stderr}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) {
        return { child, port, dataDir, exited, stderr: () => stderr };
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${command} did not answer /healthz: ${stderr}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** SIGTERM to exactly the started PID; then nothing of it may remain. */
async function assertStopsCleanly(started: Started): Promise<void> {
  const pid = started.child.pid!;
  process.kill(pid, 'SIGTERM');
  const status = await within(started.exited, stopTimeoutMs, 'exiting after SIGTERM');
  assert.deepEqual(status, { code: 0, signal: null }, started.stderr());

  // The server itself may exit a moment after its parent: allow it the same bounded time.
  const deadline = Date.now() + stopTimeoutMs;
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(groupAlive(pid), false, 'no process of the started command is still running');
  groups.delete(pid);

  assert.equal(await canListen(started.port), true, 'the port is free again');
  // DuckDB lets one process hold the file: opening it here proves the server let go of it.
  const instance = await DuckDBInstance.create(path.join(started.dataDir, 'zenovay.duckdb'));
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll('SELECT count(*) AS n FROM sites');
  assert.deepEqual(reader.getRowObjectsJson(), [{ n: '0' }]);
  connection.closeSync();
  instance.closeSync();
}

test('npm start: SIGTERM to the npm process stops the server and releases the DuckDB file', async () => {
  await assertStopsCleanly(await start('npm', ['start']));
});

test('the launcher a process manager runs: its PID is the server, SIGTERM drains and exits 0', async () => {
  const started = await start(process.execPath, ['packages/server/bin/zenovay-server.mjs']);
  assert.equal(started.child.spawnfile, process.execPath);
  await assertStopsCleanly(started);
});
