/**
 * ClickHouse in process (chdb, a current release) behind the interface the HTTP client implements
 * (store/clickhouse/client.ts): the store, the stats and the funnels run their own statements on
 * it unchanged, so each one is checked on a current ClickHouse as well as on Debian's 18.16.
 * Answers come back as the HTTP interface gives them: `exec` returns the text of the statement's
 * default format (TabSeparated, as over HTTP), `rows` parses `FORMAT JSONEachRow`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ClickHouseClient, pinnedSettings } from '../../packages/server/src/store/clickhouse/client.ts';
import { ClickHouseError } from '../../packages/server/src/store/clickhouse/http-client.ts';
import { sqlString } from '../../packages/server/src/store/clickhouse/sql.ts';
import type { ClickHouseTarget } from '../../packages/server/src/store/clickhouse/target.ts';
import { type ChdbSession, loadChdb } from './chdb.ts';

/**
 * HTTP parameters that are not settings. `session_id`/`session_timeout`: the process holds one
 * chdb session, so temporary tables already live from one statement to the next. `query_id`: no
 * other client can look for a statement still running in this process (insert-once.ts asks
 * system.processes, which answers "none").
 */
const httpOnly = new Set(['session_id', 'session_timeout', 'query_id']);

/**
 * One chdb session in a temporary folder: one per test file (chdb binds one data folder per
 * process). Statements run one at a time, each with exactly its settings: those that differ from
 * what the session has are SET before it, those it does not ask for go back to DEFAULT.
 */
export class ChdbServer {
  private readonly session: ChdbSession;
  private readonly applied = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  readonly dir: string;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-chdb-'));
    const { Session } = loadChdb();
    this.session = new Session(this.dir);
  }

  get url(): string {
    return `chdb://${this.dir}`;
  }

  /** A client with these settings on every statement, as `new ClickHouseHttp(url, settings)`. */
  client(settings: Record<string, string> = {}): ClickHouseClient {
    return new ChdbClient(this, settings);
  }

  /** The target's `connect`: every server of it is this one session. */
  target(database: string): ClickHouseTarget {
    return { shardUrls: [this.url], database, connect: (_url, settings) => this.client(settings) };
  }

  get open(): boolean {
    return !this.closed;
  }

  run(sql: string, settings: Record<string, string>): Promise<string> {
    const next = this.queue.then(() => this.runNow(sql, settings));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(sql: string, settings: Record<string, string>): Promise<string> {
    if (this.closed) throw new ClickHouseError('chdb session closed', 503);
    const wanted = new Map(Object.entries(settings).filter(([name]) => !httpOnly.has(name)));
    try {
      for (const [name, value] of wanted) {
        if (this.applied.get(name) === value) continue;
        await this.session.queryAsync(`SET ${settingName(name)} = ${settingValue(value)}`, { format: 'TSV' });
        this.applied.set(name, value);
      }
      for (const name of [...this.applied.keys()]) {
        if (wanted.has(name)) continue;
        await this.session.queryAsync(`SET ${settingName(name)} = DEFAULT`, { format: 'TSV' });
        this.applied.delete(name);
      }
      const result = await this.session.queryAsync(sql, { format: 'TabSeparated' });
      return result.text();
    } catch (error) {
      // As the HTTP client: ClickHouse's message, first 500 characters (status as for a bad query).
      const message = error instanceof Error ? error.message : String(error);
      if (process.env.ZV_DEBUG_SQL) console.error(`--- failed:\n${sql}\n`);
      throw new ClickHouseError(message.trim().slice(0, 500), 500);
    }
  }

  /** Waits for statements in flight, closes the session and removes its folder. */
  async close(): Promise<void> {
    await this.queue;
    this.closed = true;
    this.session.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

class ChdbClient implements ClickHouseClient {
  constructor(
    private readonly server: ChdbServer,
    private readonly settings: Record<string, string>,
  ) {}

  get url(): string {
    return this.server.url;
  }

  withSettings(settings: Record<string, string>): ClickHouseClient {
    return new ChdbClient(this.server, { ...this.settings, ...settings });
  }

  exec(sql: string, settings: Record<string, string> = {}): Promise<string> {
    return this.server.run(sql, { ...pinnedSettings, ...this.settings, ...settings });
  }

  async rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const text = await this.exec(`${sql}\nFORMAT JSONEachRow`);
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as T);
  }

  /** The whole answer at once, then yielded in batches (test data sets are small). */
  async *streamRows<T = Record<string, unknown>>(sql: string, batchSize = 2_048): AsyncGenerator<T[]> {
    const rows = await this.rows<T>(sql);
    for (let start = 0; start < rows.length; start += batchSize) yield rows.slice(start, start + batchSize);
  }

  async ping(): Promise<boolean> {
    return this.server.open;
  }
}

function settingName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a setting name: ${name}`);
  return name;
}

function settingValue(value: string): string {
  return /^-?\d+(\.\d+)?$/.test(value) ? value : sqlString(value);
}
