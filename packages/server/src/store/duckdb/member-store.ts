import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { inviteFromRow, leavesNoOwner, memberFromRow } from '../../members/member-rows.ts';
import type { InviteRecord, MemberChange, MemberStore, SiteMember, SiteRole } from '../../members/types.ts';
import { SerialQueue } from './serial.ts';

const memberSelect = `SELECT m.site_id, m.user_id, r.role FROM site_members m
  LEFT JOIN site_roles r ON r.site_id = m.site_id AND r.user_id = m.user_id`;
const inviteSelect = `SELECT id, token_hash, site_id, email, role, invited_by,
  strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at, expires_at_ms FROM site_invites`;

/**
 * Roles and invitations in the embedded DuckDB file (migration 15), beside the memberships of
 * migration 3. Checks and writes run in one transaction on this store's serialised connection, so
 * two owners removing each other cannot both succeed.
 */
export class DuckDbMemberStore implements MemberStore {
  private readonly queue = new SerialQueue();

  private constructor(private readonly connection: DuckDBConnection) {}

  static async open(instance: DuckDBInstance): Promise<DuckDbMemberStore> {
    return new DuckDbMemberStore(await instance.connect());
  }

  siteMembers(siteId: string): Promise<SiteMember[]> {
    return this.queue.run(() => this.membersOfSite(siteId));
  }

  owners(): Promise<SiteMember[]> {
    return this.queue.run(async () =>
      (
        await this.rows(
          `${memberSelect} WHERE coalesce(r.role, 'owner') = 'owner' ORDER BY m.site_id, m.user_id`,
        )
      ).map(memberFromRow),
    );
  }

  membershipsOf(userId: string): Promise<SiteMember[]> {
    return this.queue.run(async () =>
      (await this.rows(`${memberSelect} WHERE m.user_id = $1 ORDER BY m.site_id`, [userId])).map(
        memberFromRow,
      ),
    );
  }

  setMember(siteId: string, userId: string, role: SiteRole): Promise<MemberChange> {
    return this.transaction(async () => {
      if (leavesNoOwner(await this.membersOfSite(siteId), userId, role)) return 'last-owner';
      await this.connection.run(
        'INSERT INTO site_members (site_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [siteId, userId],
      );
      await this.connection.run('DELETE FROM site_roles WHERE site_id = $1 AND user_id = $2', [
        siteId,
        userId,
      ]);
      await this.connection.run('INSERT INTO site_roles (site_id, user_id, role) VALUES ($1, $2, $3)', [
        siteId,
        userId,
        role,
      ]);
      return 'ok';
    });
  }

  removeMember(siteId: string, userId: string): Promise<MemberChange> {
    return this.transaction(async () => {
      const members = await this.membersOfSite(siteId);
      if (!members.some((m) => m.userId === userId)) return 'missing';
      if (leavesNoOwner(members, userId, null)) return 'last-owner';
      await this.connection.run('DELETE FROM site_members WHERE site_id = $1 AND user_id = $2', [
        siteId,
        userId,
      ]);
      await this.connection.run('DELETE FROM site_roles WHERE site_id = $1 AND user_id = $2', [
        siteId,
        userId,
      ]);
      return 'ok';
    });
  }

  createInvite(invite: InviteRecord): Promise<void> {
    return this.queue.run(async () => {
      await this.connection.run(
        `INSERT INTO site_invites (id, token_hash, site_id, email, role, invited_by, created_at, expires_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS TIMESTAMP), $8)`,
        [
          invite.id,
          invite.tokenHash,
          invite.siteId,
          invite.email,
          invite.role,
          invite.invitedBy,
          invite.createdAt.replace('Z', ''),
          invite.expiresAtMs,
        ],
      );
    });
  }

  invites(siteId: string): Promise<InviteRecord[]> {
    return this.queue.run(async () =>
      (
        await this.rows(`${inviteSelect} WHERE site_id = $1 ORDER BY site_invites.created_at, id`, [siteId])
      ).map(inviteFromRow),
    );
  }

  inviteByHash(tokenHash: string): Promise<InviteRecord | undefined> {
    return this.queue.run(async () => {
      const row = (await this.rows(`${inviteSelect} WHERE token_hash = $1`, [tokenHash]))[0];
      return row ? inviteFromRow(row) : undefined;
    });
  }

  takeInvite(tokenHash: string): Promise<InviteRecord | undefined> {
    return this.queue.run(async () => {
      const rows = await this.rows(
        `DELETE FROM site_invites WHERE token_hash = $1
         RETURNING id, token_hash, site_id, email, role, invited_by,
                   strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at, expires_at_ms`,
        [tokenHash],
      );
      return rows[0] ? inviteFromRow(rows[0]) : undefined;
    });
  }

  deleteInvite(siteId: string, id: string): Promise<boolean> {
    return this.queue.run(async () => {
      const rows = await this.rows('DELETE FROM site_invites WHERE site_id = $1 AND id = $2 RETURNING id', [
        siteId,
        id,
      ]);
      return rows.length > 0;
    });
  }

  close(): void {
    this.connection.closeSync();
  }

  private async membersOfSite(siteId: string): Promise<SiteMember[]> {
    return (await this.rows(`${memberSelect} WHERE m.site_id = $1 ORDER BY m.user_id`, [siteId])).map(
      memberFromRow,
    );
  }

  private transaction(work: () => Promise<MemberChange>): Promise<MemberChange> {
    return this.queue.run(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        const result = await work();
        await this.connection.run(result === 'ok' ? 'COMMIT' : 'ROLLBACK');
        return result;
      } catch (error) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  private async rows(sql: string, params: Array<string | number> = []): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  }
}
