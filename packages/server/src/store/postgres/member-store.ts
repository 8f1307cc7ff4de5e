import type pg from 'pg';
import { inviteFromRow, leavesNoOwner, memberFromRow } from '../../members/member-rows.ts';
import type { InviteRecord, MemberChange, MemberStore, SiteMember, SiteRole } from '../../members/types.ts';

const memberSelect = `SELECT m.site_id, m.user_id, r.role FROM site_members m
  LEFT JOIN site_roles r ON r.site_id = m.site_id AND r.user_id = m.user_id`;
const inviteColumns = `id, token_hash, site_id, email, role, invited_by,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at, expires_at_ms`;

/**
 * Roles and invitations in PostgreSQL (migration 007), shared by every node. A change locks the
 * site's membership rows first (FOR UPDATE), so two nodes removing a site's two owners at the
 * same moment cannot both succeed.
 */
export class PostgresMemberStore implements MemberStore {
  constructor(private readonly pool: pg.Pool) {}

  async siteMembers(siteId: string): Promise<SiteMember[]> {
    const { rows } = await this.pool.query(`${memberSelect} WHERE m.site_id = $1 ORDER BY m.user_id`, [
      siteId,
    ]);
    return rows.map(memberFromRow);
  }

  async owners(): Promise<SiteMember[]> {
    const { rows } = await this.pool.query(
      `${memberSelect} WHERE coalesce(r.role, 'owner') = 'owner' ORDER BY m.site_id, m.user_id`,
    );
    return rows.map(memberFromRow);
  }

  async membershipsOf(userId: string): Promise<SiteMember[]> {
    const { rows } = await this.pool.query(`${memberSelect} WHERE m.user_id = $1 ORDER BY m.site_id`, [
      userId,
    ]);
    return rows.map(memberFromRow);
  }

  setMember(siteId: string, userId: string, role: SiteRole): Promise<MemberChange> {
    return this.change(siteId, async (client, members) => {
      if (leavesNoOwner(members, userId, role)) return 'last-owner';
      await client.query(
        'INSERT INTO site_members (site_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [siteId, userId],
      );
      await client.query(
        `INSERT INTO site_roles (site_id, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT (site_id, user_id) DO UPDATE SET role = excluded.role`,
        [siteId, userId, role],
      );
      return 'ok';
    });
  }

  removeMember(siteId: string, userId: string): Promise<MemberChange> {
    return this.change(siteId, async (client, members) => {
      if (!members.some((m) => m.userId === userId)) return 'missing';
      if (leavesNoOwner(members, userId, null)) return 'last-owner';
      await client.query('DELETE FROM site_members WHERE site_id = $1 AND user_id = $2', [siteId, userId]);
      await client.query('DELETE FROM site_roles WHERE site_id = $1 AND user_id = $2', [siteId, userId]);
      return 'ok';
    });
  }

  async createInvite(invite: InviteRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO site_invites (id, token_hash, site_id, email, role, invited_by, created_at, expires_at_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        invite.id,
        invite.tokenHash,
        invite.siteId,
        invite.email,
        invite.role,
        invite.invitedBy,
        invite.createdAt,
        invite.expiresAtMs,
      ],
    );
  }

  async invites(siteId: string): Promise<InviteRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT ${inviteColumns} FROM site_invites WHERE site_id = $1 ORDER BY site_invites.created_at, id`,
      [siteId],
    );
    return rows.map(inviteFromRow);
  }

  async inviteByHash(tokenHash: string): Promise<InviteRecord | undefined> {
    const { rows } = await this.pool.query(
      `SELECT ${inviteColumns} FROM site_invites WHERE token_hash = $1`,
      [tokenHash],
    );
    return rows[0] ? inviteFromRow(rows[0]) : undefined;
  }

  async takeInvite(tokenHash: string): Promise<InviteRecord | undefined> {
    const { rows } = await this.pool.query(
      `DELETE FROM site_invites WHERE token_hash = $1 RETURNING ${inviteColumns}`,
      [tokenHash],
    );
    return rows[0] ? inviteFromRow(rows[0]) : undefined;
  }

  async deleteInvite(siteId: string, id: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM site_invites WHERE site_id = $1 AND id = $2', [
      siteId,
      id,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  /** Runs a membership change in a transaction holding the site's membership rows locked. */
  private async change(
    siteId: string,
    work: (client: pg.PoolClient, members: SiteMember[]) => Promise<MemberChange>,
  ): Promise<MemberChange> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // The site row is locked too, so a site with no member rows yet still serialises its changes.
      await client.query('SELECT id FROM sites WHERE id = $1 FOR UPDATE', [siteId]);
      await client.query('SELECT user_id FROM site_members WHERE site_id = $1 FOR UPDATE', [siteId]);
      const { rows } = await client.query(`${memberSelect} WHERE m.site_id = $1 ORDER BY m.user_id`, [
        siteId,
      ]);
      const result = await work(client, rows.map(memberFromRow));
      await client.query(result === 'ok' ? 'COMMIT' : 'ROLLBACK');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
