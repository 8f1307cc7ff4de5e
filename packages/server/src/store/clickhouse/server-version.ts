import type { ClickHouseClient } from './client.ts';

/**
 * The server's release, asked once when a store connects (`SELECT version()`), and the one place
 * where SQL or settings are chosen by it. Supported: Debian's 18.16 and 24.x–26.x (tested on
 * 18.16 and on 26.7 in process, docs/scale-out.md). Most statements are written once, in the
 * subset both understand; only what has no common form is chosen here.
 */
export interface ClickHouseVersion {
  /** As the server says it, e.g. `18.16.1` or `26.7.2.1`. */
  readonly text: string;
  readonly major: number;
  readonly minor: number;
}

export function parseClickHouseVersion(text: string): ClickHouseVersion {
  const match = /^(\d+)\.(\d+)/.exec(text.trim());
  if (!match) throw new Error(`not a ClickHouse version: ${text}`);
  return { text: text.trim(), major: Number(match[1]), minor: Number(match[2]) };
}

export async function serverVersion(client: ClickHouseClient): Promise<ClickHouseVersion> {
  const [row] = await client.rows<{ v: string }>('SELECT version() AS v');
  return parseClickHouseVersion(String(row?.v ?? ''));
}

/** What differs between releases. */
export interface VersionChoices {
  /**
   * The setting that makes an INSERT into a Distributed table wait for every shard. 18.16 knows
   * only `insert_distributed_sync`; 23.x renamed it `distributed_foreground_insert` and keeps the
   * old name as an alias, which a later release may drop, so current servers get the new name.
   */
  readonly syncDistributedInsert: Readonly<Record<string, string>>;
}

export function versionChoices(version: ClickHouseVersion): VersionChoices {
  const current = version.major >= 24;
  return {
    syncDistributedInsert: current
      ? { distributed_foreground_insert: '1' }
      : { insert_distributed_sync: '1' },
  };
}
