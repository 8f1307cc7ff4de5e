import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { type Config, loadConfig } from '../../packages/server/src/config.ts';
import { type Runtime, type RuntimeOptions, startRuntime } from '../../packages/server/src/runtime.ts';
import type { Site } from '../../packages/server/src/store/types.ts';
import { freePort } from './ports.ts';

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly runtime: Runtime;
  readonly clock: ManualClock;
  /** Drains and closes; the data directory is kept so a test can restart on it. */
  stop(): Promise<void>;
}

/** A fresh, empty data directory under the OS temp dir. */
export function tempDataDir(prefix = 'zenovay-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Starts the real service in this process on 127.0.0.1, with a real DuckDB file and a manual
 * clock (tests move time instead of sleeping).
 */
export async function startTestServer(
  options: {
    dataDir?: string;
    config?: Partial<Config>;
    clock?: ManualClock;
    runtime?: Omit<RuntimeOptions, 'clock'>;
  } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDataDir();
  const port = await freePort();
  const clock = options.clock ?? new ManualClock(Date.parse('2026-03-10T12:00:00Z'));
  const config = loadConfig({}, { dataDir, port, host: '127.0.0.1', logLevel: 'silent', ...options.config });
  const runtime = await startRuntime(config, { ...options.runtime, clock });
  await runtime.app.listen({ port, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${port}`, port, dataDir, runtime, clock, stop: () => runtime.stop() };
}

/** Stops the server and deletes its data directory: for servers no later test restarts on. */
export async function stopAndRemove(server: TestServer): Promise<void> {
  await server.stop();
  fs.rmSync(server.dataDir, { recursive: true, force: true });
}

/** The two required-field sets the spec's curl examples send, as a base for test events. */
export const serverDefaults = {
  device_type: 'server',
  browser: 'server',
  os: 'Linux',
  user_agent: 'MyApp-Server/1.0',
} as const;

export async function addSite(server: TestServer, domain = 'example.com'): Promise<Site> {
  return server.runtime.sites.add(domain);
}

/** A test server with one site (`example.com` unless named): the fixture most ingest tests share. */
export async function startServerWithSite(
  options: Parameters<typeof startTestServer>[0] = {},
  domain = 'example.com',
): Promise<{ server: TestServer; site: Site }> {
  const server = await startTestServer(options);
  return { server, site: await addSite(server, domain) };
}

/** Response bodies are read as loosely typed JSON: tests assert on their shape. */
// biome-ignore lint/suspicious/noExplicitAny: test responses are arbitrary JSON
export type TestResponse = { status: number; headers: Headers; body: any };

export function postEvent(
  server: TestServer,
  trackingCode: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  return postJson(`${server.url}/e/${trackingCode}`, body, headers);
}

/** POSTs a JSON body (a string goes as it is) and reads the answer as JSON, or as text when it is not. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return readTestResponse(response);
}

/** A fetch response with its body parsed as JSON, or kept as text when it is not JSON. */
export async function readTestResponse(response: Response): Promise<TestResponse> {
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // leave non-JSON bodies as text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Every stored event row of a site, read from the running server's DuckDB. */
export async function storedEvents(server: TestServer, siteId: string): Promise<Record<string, unknown>[]> {
  await server.runtime.eventsLoaded();
  const connection = await server.runtime.duckdb.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ') AS ts, * EXCLUDE (ts) FROM events WHERE site_id = $1 ORDER BY ts`,
      [siteId],
    );
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
  }
}
