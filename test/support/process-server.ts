import { type ChildProcess, execFile, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './ports.ts';

/**
 * The real server as a child process (`node --import tsx packages/server/src/main.ts`), for tests
 * that must kill it (SIGKILL, SIGTERM) the way an operator or the OS would.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mainScript = path.join(repoRoot, 'packages/server/src/main.ts');
const cliScript = path.join(repoRoot, 'packages/server/bin/zenovay.mjs');
const runFile = promisify(execFile);

/** How long a cold start (tsx compile, DuckDB open and WAL replay, geo files) may take on a busy CI box. */
const startTimeoutMs = 30_000;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly pid: number;
  /** Resolves when the process has exited, however it ended. */
  readonly exited: Promise<ExitStatus>;
  /** What the process wrote to stderr so far (warnings and errors only at log level warn). */
  stderr(): string;
  /**
   * Sends the signal and waits for the exit. A process that has not exited after `timeoutMs` is
   * killed with SIGKILL and the call fails, so a hung shutdown fails the test instead of hanging it.
   */
  kill(signal: NodeJS.Signals, timeoutMs?: number): Promise<ExitStatus>;
}

/** Every child still running, so a failing test never leaves a server behind. */
const running = new Set<ChildProcess>();
process.once('exit', killAllServers);

/** SIGKILLs every server this process started that still runs; for `after` hooks of failing tests. */
export function killAllServers(): void {
  for (const child of running) child.kill('SIGKILL');
}

export interface StartOptions {
  dataDir: string;
  /** Extra environment, e.g. raised rate limits for a load test. */
  env?: Record<string, string>;
}

/** Starts the server on a free port below 32768 and resolves once `GET /healthz` answers 200. */
export async function startServerProcess(options: StartOptions): Promise<ServerProcess> {
  // freePort checks, then the child binds: another process may take the port in between, so retry.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = spawnServer(port, options);
    const outcome = await Promise.race([
      waitHealthy(server.url).then(() => 'healthy' as const),
      server.exited.then(() => 'exited' as const),
    ]);
    if (outcome === 'healthy') return server;
    if (attempt < 3 && /EADDRINUSE/.test(server.stderr())) continue;
    throw new Error(`server exited before it was healthy:\n${server.stderr()}`);
  }
}

function spawnServer(port: number, options: StartOptions): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', mainScript], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ZENOVAY_DATA_DIR: options.dataDir,
      ZENOVAY_LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir: options.dataDir,
    pid: child.pid!,
    exited,
    stderr: () => stderr,
    kill: async (signal, timeoutMs = 20_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const outcome = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (outcome !== 'timeout') return outcome;
      child.kill('SIGKILL');
      await exited;
      throw new Error(`server did not exit within ${timeoutMs} ms of ${signal}:\n${stderr}`);
    },
  };
}

async function waitHealthy(url: string): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (await healthy(url)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server at ${url} was not healthy within ${startTimeoutMs} ms`);
}

/** True when `GET /healthz` answers 200 within a second. */
export function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(`${url}/healthz`, { agent: false, timeout: 1_000 }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode === 200));
      response.on('error', () => resolve(false));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

export interface CliSite {
  id: string;
  domain: string;
  tracking_code: string;
}

/**
 * `zenovay sites add <domain> --json` on the data directory: straight into the DuckDB file when no
 * server runs, or through the running server's admin socket.
 */
export async function addSiteWithCli(dataDir: string, domain = 'example.com'): Promise<CliSite> {
  const { stdout } = await runFile(process.execPath, [cliScript, 'sites', 'add', domain, '--json'], {
    cwd: repoRoot,
    env: { ...process.env, ZENOVAY_DATA_DIR: dataDir },
    timeout: startTimeoutMs,
  });
  return JSON.parse(stdout) as CliSite;
}
