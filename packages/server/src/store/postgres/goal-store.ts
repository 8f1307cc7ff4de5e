import type pg from 'pg';
import type { Goal, GoalStore } from '../../goals/types.ts';
import { goalFromRow } from '../goal-row.ts';

/** 23505: unique_violation, here only UNIQUE (site_id, name) (the id is random). */
const uniqueViolation = '23505';

/**
 * Goals in PostgreSQL, shared by every node, on the metadata store's pool (migration 004). The
 * database enforces unique names per site, so two nodes adding the same name at once store one.
 */
export class PostgresGoalStore implements GoalStore {
  constructor(private readonly pool: pg.Pool) {}

  async listGoals(siteId: string): Promise<Goal[]> {
    const { rows } = await this.pool.query(
      `SELECT id, site_id, name, kind, event_name, page_path, prop_keys, prop_values, currency,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
       FROM goals WHERE site_id = $1 ORDER BY goals.created_at, id`,
      [siteId],
    );
    return rows.map(goalFromRow);
  }

  async createGoal(goal: Goal): Promise<boolean> {
    try {
      await this.pool.query(
        `INSERT INTO goals (id, site_id, name, kind, event_name, page_path, prop_keys, prop_values,
                            currency, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          goal.id,
          goal.siteId,
          goal.name,
          goal.kind,
          goal.eventName,
          goal.pagePath,
          goal.properties.map((match) => match.key),
          goal.properties.map((match) => match.value),
          goal.currency,
          goal.createdAt,
        ],
      );
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async renameGoal(
    siteId: string,
    goalId: string,
    name: string,
  ): Promise<'renamed' | 'not_found' | 'conflict'> {
    try {
      const result = await this.pool.query('UPDATE goals SET name = $3 WHERE site_id = $1 AND id = $2', [
        siteId,
        goalId,
        name,
      ]);
      return (result.rowCount ?? 0) > 0 ? 'renamed' : 'not_found';
    } catch (error) {
      if (isUniqueViolation(error)) return 'conflict';
      throw error;
    }
  }

  async deleteGoal(siteId: string, goalId: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM goals WHERE site_id = $1 AND id = $2', [
      siteId,
      goalId,
    ]);
    return (result.rowCount ?? 0) > 0;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === uniqueViolation;
}
