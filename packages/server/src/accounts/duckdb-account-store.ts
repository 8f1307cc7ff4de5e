import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { SerialQueue } from '../store/duckdb/serial.ts';
import type { AccountStore, SessionRecord, SiteMembership, UserRecord } from './types.ts';

/** Users, sessions and site memberships in the embedded DuckDB file (tables from migration 3). */
export class DuckDbAccountStore implements AccountStore {
  private readonly queue = new SerialQueue();

  private constructor(private readonly connection: DuckDBConnection) {}

  static async open(instance: DuckDBInstance): Promise<DuckDbAccountStore> {
    return new DuckDbAccountStore(await instance.connect());
  }

  countUsers(): Promise<number> {
    return this.queue.run(() => this.count());
  }

  createUser(user: UserRecord, options: { onlyIfFirst?: boolean } = {}): Promise<boolean> {
    return this.queue.run(async () => {
      // The queue serialises this connection's callers, so check-then-insert cannot interleave.
      if (options.onlyIfFirst && (await this.count()) > 0) return false;
      const taken = await this.rows('SELECT id FROM users WHERE email = $1', [user.email]);
      if (taken.length > 0) return false;
      await this.connection.run(
        'INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, CAST($4 AS TIMESTAMP))',
        [user.id, user.email, user.passwordHash, user.createdAt.replace('Z', '')],
      );
      return true;
    });
  }

  userByEmail(email: string): Promise<UserRecord | undefined> {
    return this.queue.run(
      async () => (await this.rows(`${userSelect} WHERE email = $1`, [email])).map(toUser)[0],
    );
  }

  userById(id: string): Promise<UserRecord | undefined> {
    return this.queue.run(async () => (await this.rows(`${userSelect} WHERE id = $1`, [id])).map(toUser)[0]);
  }

  firstUserId(): Promise<string | undefined> {
    return this.queue.run(async () => {
      const rows = await this.rows('SELECT id FROM users ORDER BY created_at, id LIMIT 1');
      return rows[0] === undefined ? undefined : String(rows[0].id);
    });
  }

  createSession(session: SessionRecord): Promise<void> {
    return this.queue.run(async () => {
      await this.connection.run(
        'INSERT INTO sessions (token_hash, user_id, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4)',
        [session.tokenHash, session.userId, session.createdAtMs, session.expiresAtMs],
      );
    });
  }

  sessionByHash(tokenHash: string): Promise<SessionRecord | undefined> {
    return this.queue.run(async () => {
      const rows = await this.rows(
        'SELECT token_hash, user_id, created_at_ms, expires_at_ms FROM sessions WHERE token_hash = $1',
        [tokenHash],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      return {
        tokenHash: String(row.token_hash),
        userId: String(row.user_id),
        createdAtMs: Number(row.created_at_ms),
        expiresAtMs: Number(row.expires_at_ms),
      };
    });
  }

  deleteSession(tokenHash: string): Promise<void> {
    return this.queue.run(async () => {
      await this.connection.run('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
    });
  }

  deleteExpiredSessions(nowMs: number): Promise<void> {
    return this.queue.run(async () => {
      await this.connection.run('DELETE FROM sessions WHERE expires_at_ms <= $1', [nowMs]);
    });
  }

  addSiteMember(membership: SiteMembership): Promise<void> {
    return this.queue.run(async () => {
      await this.connection.run(
        'INSERT INTO site_members (site_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [membership.siteId, membership.userId],
      );
    });
  }

  removeSiteMembers(siteId: string): Promise<void> {
    return this.queue.run(async () => {
      await this.connection.run('DELETE FROM site_members WHERE site_id = $1', [siteId]);
    });
  }

  siteMembers(): Promise<SiteMembership[]> {
    return this.queue.run(async () =>
      (await this.rows('SELECT site_id, user_id FROM site_members ORDER BY site_id, user_id')).map((row) => ({
        siteId: String(row.site_id),
        userId: String(row.user_id),
      })),
    );
  }

  deleteUser(id: string): Promise<boolean> {
    return this.queue.run(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        await this.connection.run('DELETE FROM sessions WHERE user_id = $1', [id]);
        await this.connection.run('DELETE FROM site_members WHERE user_id = $1', [id]);
        const deleted = await this.rows('DELETE FROM users WHERE id = $1 RETURNING id', [id]);
        await this.connection.run('COMMIT');
        return deleted.length > 0;
      } catch (error) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  close(): void {
    this.connection.closeSync();
  }

  private async count(): Promise<number> {
    const rows = await this.rows('SELECT count(*) AS n FROM users');
    return Number(rows[0]?.n ?? 0);
  }

  private async rows(sql: string, params: Array<string | number> = []): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  }
}

const userSelect = `SELECT id, email, password_hash,
  strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at FROM users`;

function toUser(row: Record<string, unknown>): UserRecord {
  return {
    id: String(row.id),
    email: String(row.email),
    passwordHash: String(row.password_hash),
    createdAt: String(row.created_at),
  };
}
