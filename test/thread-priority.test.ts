import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadConfig } from '../packages/server/src/config.ts';
import { createLogger } from '../packages/server/src/log.ts';
import { BackgroundThreadPriority } from '../packages/server/src/thread-priority.ts';

const threads = () => fs.readdirSync('/proc/self/task').map(Number);
const others = () => threads().filter((tid) => tid !== process.pid);

/** A thread started by the main thread (so at its nice value) that reports its own thread id. */
async function startThread(): Promise<{ tid: number; stop: () => Promise<number> }> {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
     parentPort.postMessage(tid);
     parentPort.on('message', () => process.exit(0));`,
    { eval: true },
  );
  const tid = await new Promise<number>((resolve) => worker.once('message', resolve));
  return { tid, stop: () => worker.terminate() };
}

test('every thread but the main one gets the background nice value; the main thread keeps its own', async () => {
  // DuckDB's worker threads and libuv's pool exist once a database is opened and queried.
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run('SELECT 42');
  // The test may itself run niced (a CI runner): every expectation is relative to where it starts.
  const main = os.getPriority(process.pid);
  const background = Math.min(19, main + 7);
  assert.ok(background > main, `the test runs at nice ${main}: nothing can be lowered`);
  assert.ok(others().length >= 2, `threads: ${threads()}`);

  const priority = new BackgroundThreadPriority(background, createLogger('silent'));
  const lowered = priority.start(60_000);
  try {
    assert.ok(lowered >= 2, `lowered ${lowered}`);
    for (const tid of others()) assert.equal(os.getPriority(tid), background, `thread ${tid}`);
    assert.equal(os.getPriority(process.pid), main);

    // A thread started later runs at the main thread's value until the next pass lowers it.
    const late = await startThread();
    assert.equal(os.getPriority(late.tid), main);
    assert.equal(priority.lowerAll(), 1);
    assert.equal(os.getPriority(late.tid), background);
    // Nothing left to lower: a second pass changes nothing.
    assert.equal(priority.lowerAll(), 0);
    await late.stop();
  } finally {
    priority.stop();
    connection.closeSync();
    instance.closeSync();
  }
});

test('nice 0 leaves every thread alone', async () => {
  const late = await startThread();
  try {
    assert.equal(new BackgroundThreadPriority(0, createLogger('silent')).start(), 0);
    assert.equal(os.getPriority(late.tid), os.getPriority(process.pid));
  } finally {
    await late.stop();
  }
});

test('ZENOVAY_BACKGROUND_NICE sets the value (default 10) and is checked', () => {
  assert.equal(loadConfig({}).backgroundNice, 10);
  assert.equal(loadConfig({ ZENOVAY_BACKGROUND_NICE: '0' }).backgroundNice, 0);
  assert.equal(loadConfig({ ZENOVAY_BACKGROUND_NICE: '19' }).backgroundNice, 19);
  assert.throws(
    () => loadConfig({ ZENOVAY_BACKGROUND_NICE: '20' }),
    /ZENOVAY_BACKGROUND_NICE must be an integer from 0 to 19, got "20"/,
  );
});
