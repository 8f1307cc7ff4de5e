import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.ts';

const run = promisify(execFile);
const script = path.resolve(import.meta.dirname, '../../scripts/services/service.sh');

export type ServiceName = 'redis' | 'postgres' | 'clickhouse';

/** A throwaway server from Debian's packages, started by `scripts/services/service.sh`. */
export interface RunningService {
  readonly name: ServiceName;
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stops the process; its data stays in `dir`, so `restart` brings the same state back. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

const binaries: Record<ServiceName, string> = {
  redis: '/usr/bin/redis-server',
  postgres: '/usr/lib/postgresql',
  clickhouse: '/usr/sbin/clickhouse-server',
};

/**
 * Why a scale-out test cannot run here, or undefined when it can. In CI (`CI=true`) the packages
 * are installed by `.ci/run`, so a missing one fails the test instead of skipping it.
 */
export function missingService(...names: ServiceName[]): string | undefined {
  const missing = names.filter((name) => !fs.existsSync(binaries[name]));
  if (missing.length === 0) return undefined;
  if (process.env.CI === 'true') throw new Error(`scale-out services not installed: ${missing.join(', ')}`);
  return `not installed: ${missing.join(', ')} (apt-get install -y clickhouse-server clickhouse-client postgresql redis-server)`;
}

/** A free port whose successor is free too (ClickHouse takes PORT for HTTP and PORT+1 for TCP). */
export async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort();
    if (port < 32_000 && (await canListen(port + 1))) return port;
  }
  throw new Error('no free port pair below 32768');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function startService(
  name: ServiceName,
  options: { env?: Record<string, string>; port?: number } = {},
): Promise<RunningService> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `zenovay-${name}-`));
  const port = options.port ?? (name === 'clickhouse' ? await freePortPair() : await freePort());
  const env = { ...process.env, ...options.env };
  const start = async () => {
    const { stdout } = await run(script, ['start', name, dir, String(port)], { env });
    return stdout.trim();
  };
  const stop = async () => {
    await run(script, ['stop', name, dir], { env });
  };
  const url = await start();
  return {
    name,
    url,
    port,
    dir,
    stop,
    restart: async () => {
      await start();
    },
    destroy: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
