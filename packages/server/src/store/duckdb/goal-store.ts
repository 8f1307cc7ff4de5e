import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import type { Goal, GoalStore } from '../../goals/types.ts';
import { goalFromRow } from '../goal-row.ts';
import { SerialQueue } from './serial.ts';

/** The property lists' type, given because an empty list has no item type to infer. */
const insertTypes = [
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  VARCHAR,
  LIST(VARCHAR),
  LIST(VARCHAR),
  VARCHAR,
  VARCHAR,
];

/**
 * Goals in the embedded DuckDB file. Names are unique per site, checked here inside a transaction
 * on this store's one serialised connection: DuckDB's unique indexes refuse some updates of their
 * own rows (a rename), so the table has none (migrations.ts, version 8).
 */
export class DuckDbGoalStore implements GoalStore {
  private readonly queue = new SerialQueue();

  private constructor(private readonly connection: DuckDBConnection) {}

  static async open(instance: DuckDBInstance): Promise<DuckDbGoalStore> {
    return new DuckDbGoalStore(await instance.connect());
  }

  listGoals(siteId: string): Promise<Goal[]> {
    return this.queue.run(async () => {
      const reader = await this.connection.runAndReadAll(
        `SELECT id, site_id, name, kind, event_name, page_path, prop_keys, prop_values, currency,
                strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at
         FROM goals WHERE site_id = $1 ORDER BY goals.created_at, id`,
        [siteId],
      );
      return reader.getRowObjectsJS().map(goalFromRow);
    });
  }

  createGoal(goal: Goal): Promise<boolean> {
    return this.transaction(async () => {
      if (await this.nameTaken(goal.siteId, goal.name, null)) return false;
      await this.connection.run(
        `INSERT INTO goals (id, site_id, name, kind, event_name, page_path, prop_keys, prop_values,
                            currency, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CAST($10 AS TIMESTAMP))`,
        [
          goal.id,
          goal.siteId,
          goal.name,
          goal.kind,
          goal.eventName,
          goal.pagePath,
          listValue(goal.properties.map((match) => match.key)),
          listValue(goal.properties.map((match) => match.value)),
          goal.currency,
          goal.createdAt.replace('Z', ''),
        ],
        insertTypes,
      );
      return true;
    });
  }

  renameGoal(siteId: string, goalId: string, name: string): Promise<'renamed' | 'not_found' | 'conflict'> {
    return this.transaction(async () => {
      const found = await this.connection.runAndReadAll(
        'SELECT id FROM goals WHERE site_id = $1 AND id = $2',
        [siteId, goalId],
      );
      if (found.getRowObjectsJS().length === 0) return 'not_found';
      if (await this.nameTaken(siteId, name, goalId)) return 'conflict';
      await this.connection.run('UPDATE goals SET name = $3 WHERE site_id = $1 AND id = $2', [
        siteId,
        goalId,
        name,
      ]);
      return 'renamed';
    });
  }

  deleteGoal(siteId: string, goalId: string): Promise<boolean> {
    return this.queue.run(async () => {
      const reader = await this.connection.runAndReadAll(
        'DELETE FROM goals WHERE site_id = $1 AND id = $2 RETURNING id',
        [siteId, goalId],
      );
      return reader.getRowObjectsJS().length > 0;
    });
  }

  close(): void {
    this.connection.closeSync();
  }

  private async nameTaken(siteId: string, name: string, exceptId: string | null): Promise<boolean> {
    const reader = await this.connection.runAndReadAll(
      'SELECT id FROM goals WHERE site_id = $1 AND name = $2 AND ($3::VARCHAR IS NULL OR id <> $3)',
      [siteId, name, exceptId],
    );
    return reader.getRowObjectsJS().length > 0;
  }

  /** The check and the write as one step: the queue keeps other callers out between them. */
  private transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        const result = await work();
        await this.connection.run('COMMIT');
        return result;
      } catch (error) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }
}
