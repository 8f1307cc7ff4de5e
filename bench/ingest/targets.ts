import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const host = '127.0.0.1';

/**
 * What to undo if the bench is interrupted: server processes to kill and data directories to
 * remove. Emptied as targets stop normally.
 */
const leftovers = new Set<() => void>();

/** Kills every server still running and removes its data directory (for Ctrl-C / SIGTERM). */
export function abandonTargets(): void {
  for (const undo of leftovers) undo();
  leftovers.clear();
}

/** A server under test, running as its own process. */
export interface Target {
  readonly port: number;
  /** The server process, for reading its CPU time. */
  readonly pid: number | undefined;
  /** The ingest path to post to. */
  readonly path: string;
  /** SIGTERM, wait for the drain, and say how many events ended up stored (null: not applicable). */
  stop(): Promise<{ stored: number | null }>;
}

/** What the issue-target probes need of a full server (bench/ingest/probes.ts). */
export interface ProbeAccess {
  /** A read key for the REST API (all sites). */
  readonly apiKey: string;
  /** A second site that only the freshness probe posts to. */
  readonly freshSite: { readonly id: string; readonly trackingCode: string };
  /** The dataset's largest site (`site-0` of bench/query/generate.ts), when a dataset was copied in. */
  readonly querySiteId: string | null;
}

/** Target A: the bare `node:http` + `JSON.parse` server. */
export async function startBareTarget(port: number, entry = 'bench/ingest/bare-server.ts'): Promise<Target> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOST: host },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const undo = () => child.kill('SIGKILL');
  leftovers.add(undo);
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bare server exited early (${code})`)));
    child.stdout!.once('data', () => resolve());
  });
  return {
    port,
    pid: child.pid,
    path: '/e/bare',
    stop: async () => {
      await terminate(child);
      leftovers.delete(undo);
      return { stored: null };
    },
  };
}

export interface FullTargetOptions {
  readonly port: number;
  /** Write a V8 CPU profile of the server into this directory. */
  readonly cpuProfDir: string | null;
  readonly keepData: boolean;
  /** The server's entry file (default: what `npm start` runs); another one is for experiments. */
  readonly entry: string;
  /** A DuckDB file from `npm run bench:query` to start from (copied; the original is not touched). */
  readonly dataset?: string;
  /** More environment for the server (e.g. `ZENOVAY_VISIT_ROLLUP: 'off'`). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Target B: the real service as `npm start` runs it, on a fresh data directory with one site
 * created through the CLI first. After the run the DuckDB file is opened to count what was stored.
 */
export async function startFullTarget(options: FullTargetOptions): Promise<Target & ProbeAccess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-bench-'));
  let child: ChildProcess | null = null;
  const undo = () => {
    child?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  leftovers.add(undo);
  const env = {
    ...process.env,
    PORT: String(options.port),
    HOST: host,
    ZENOVAY_DATA_DIR: dataDir,
    ZENOVAY_LOG_LEVEL: 'warn',
    // The probes poll the REST API far more often than a person would.
    ZENOVAY_API_RATE_LIMIT: '1000000000',
    ZENOVAY_API_MONTHLY_LIMIT: '1000000000000',
    ...options.env,
  };
  const database = path.join(dataDir, 'zenovay.duckdb');
  if (options.dataset) fs.copyFileSync(options.dataset, database);
  const cli = async (...args: string[]) =>
    JSON.parse(
      (
        await run(process.execPath, ['packages/server/bin/zenovay.mjs', ...args, '--json'], {
          cwd: repoRoot,
          env,
        })
      ).stdout,
    ) as Record<string, string>;
  const site = await cli('sites', 'add', 'bench.example');
  const fresh = await cli('sites', 'add', 'fresh.example');
  const querySiteId = options.dataset ? await addDatasetSite(database) : null;
  const key = await cli('keys', 'create', '--scope', 'read', '--name', 'bench');
  const profiling = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const server = spawn(process.execPath, [...profiling, '--import', 'tsx', options.entry], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child = server;
  await waitForHealth(options.port, server);
  return {
    port: options.port,
    pid: server.pid,
    path: `/e/${site.tracking_code}`,
    apiKey: key.key!,
    freshSite: { id: fresh.id!, trackingCode: fresh.tracking_code! },
    querySiteId,
    stop: async () => {
      await terminate(server);
      leftovers.delete(undo);
      const stored = await countStoredEvents(path.join(dataDir, 'zenovay.duckdb'));
      if (options.keepData) process.stderr.write(`data kept in ${dataDir}\n`);
      else fs.rmSync(dataDir, { recursive: true, force: true });
      return { stored };
    },
  };
}

/**
 * The dataset's events belong to sites that exist only as ids; give its largest one a row in
 * `sites` (after the CLI has brought the file's schema up to date) so the REST API serves it.
 */
async function addDatasetSite(file: string): Promise<string> {
  const id = 'site-0';
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    await connection.run(
      `INSERT INTO sites (id, domain, name, tracking_code, timezone, created_at)
       VALUES ('${id}', '${id}.example', '${id}', 'ZV_DATASET0', 'UTC', TIMESTAMP '2025-01-01')
       ON CONFLICT DO NOTHING`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return id;
}

async function waitForHealth(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited during start (${child.exitCode})`);
    const ok = await new Promise<boolean>((resolve) => {
      http
        .get({ host, port, path: '/healthz' }, (response) => {
          response.resume();
          resolve(response.statusCode === 200);
        })
        .on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('server did not become healthy within 60 s');
}

/** SIGTERM and wait for exit; the real server drains and commits before it exits. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await exited;
  clearTimeout(timer);
}

async function countStoredEvents(file: string): Promise<number> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM events');
    return Number(reader.getRowObjectsJS()[0]?.n ?? 0);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
