import type pg from 'pg';
import type { AccountStore, SessionRecord, SiteMembership, UserRecord } from '../../accounts/types.ts';

/** Formats a timestamptz column as ISO 8601 UTC with milliseconds, as the interface returns it. */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const userSelect = `SELECT id, email, password_hash, ${iso('created_at')} AS created_at FROM users`;
/** Serialises user creation across nodes, so "only if first" cannot make two admins. */
const createUserLock = 727002;

/** Users, sessions and site memberships in PostgreSQL (migration 002), shared by every node. */
export class PostgresAccountStore implements AccountStore {
  constructor(private readonly pool: pg.Pool) {}

  async countUsers(): Promise<number> {
    const { rows } = await this.pool.query('SELECT count(*) AS n FROM users');
    return Number(rows[0]?.n ?? 0);
  }

  async createUser(user: UserRecord, options: { onlyIfFirst?: boolean } = {}): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // A transaction-scoped lock: two nodes answering the setup page at once take turns.
      await client.query('SELECT pg_advisory_xact_lock($1)', [createUserLock]);
      if (options.onlyIfFirst) {
        const { rows } = await client.query('SELECT EXISTS (SELECT 1 FROM users) AS taken');
        if (rows[0]?.taken) {
          await client.query('ROLLBACK');
          return false;
        }
      }
      const inserted = await client.query(
        `INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING`,
        [user.id, user.email, user.passwordHash, user.createdAt],
      );
      await client.query('COMMIT');
      return (inserted.rowCount ?? 0) > 0;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async userByEmail(email: string): Promise<UserRecord | undefined> {
    const { rows } = await this.pool.query(`${userSelect} WHERE email = $1`, [email]);
    return rows[0] === undefined ? undefined : toUser(rows[0]);
  }

  async userById(id: string): Promise<UserRecord | undefined> {
    const { rows } = await this.pool.query(`${userSelect} WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : toUser(rows[0]);
  }

  async firstUserId(): Promise<string | undefined> {
    const { rows } = await this.pool.query('SELECT id FROM users ORDER BY created_at, id LIMIT 1');
    return rows[0] === undefined ? undefined : String(rows[0].id);
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.pool.query(
      'INSERT INTO sessions (token_hash, user_id, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4)',
      [session.tokenHash, session.userId, session.createdAtMs, session.expiresAtMs],
    );
  }

  async sessionByHash(tokenHash: string): Promise<SessionRecord | undefined> {
    const { rows } = await this.pool.query(
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
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  async deleteExpiredSessions(nowMs: number): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE expires_at_ms <= $1', [nowMs]);
  }

  async addSiteMember(membership: SiteMembership): Promise<void> {
    await this.pool.query(
      'INSERT INTO site_members (site_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [membership.siteId, membership.userId],
    );
  }

  async removeSiteMembers(siteId: string): Promise<void> {
    await this.pool.query('DELETE FROM site_members WHERE site_id = $1', [siteId]);
  }

  async siteMembers(): Promise<SiteMembership[]> {
    const { rows } = await this.pool.query(
      'SELECT site_id, user_id FROM site_members ORDER BY site_id, user_id',
    );
    return rows.map((row) => ({ siteId: String(row.site_id), userId: String(row.user_id) }));
  }

  async deleteUser(id: string): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('DELETE FROM sessions WHERE user_id = $1', [id]);
      await client.query('DELETE FROM site_members WHERE user_id = $1', [id]);
      const deleted = await client.query('DELETE FROM users WHERE id = $1', [id]);
      await client.query('COMMIT');
      return (deleted.rowCount ?? 0) > 0;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

function toUser(row: Record<string, unknown>): UserRecord {
  return {
    id: String(row.id),
    email: String(row.email),
    passwordHash: String(row.password_hash),
    createdAt: String(row.created_at),
  };
}
