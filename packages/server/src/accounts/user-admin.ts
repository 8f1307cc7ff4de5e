import type { DuckDBInstance } from '@duckdb/node-api';
import { AdminInputError } from '../admin/admin-ops.ts';
import type { Clock } from '../clock.ts';
import type { MetadataStore } from '../store/types.ts';
import { AccountInputError, AccountService } from './account-service.ts';
import { DuckDbAccountStore } from './duckdb-account-store.ts';
import type { User } from './types.ts';

export interface NewUserInput {
  readonly email: string;
  readonly password: string;
}

/** `zenovay users add`, server side: a bad email, short password or taken email is the person's to fix. */
export async function addUserForAdmin(accounts: AccountService, input: NewUserInput): Promise<User> {
  try {
    return await accounts.createUser(String(input.email ?? ''), String(input.password ?? ''));
  } catch (error) {
    if (error instanceof AccountInputError) throw new AdminInputError(error.message);
    throw error;
  }
}

/** Accounts on a data directory the CLI opened itself (no server running). */
export async function openAccounts(
  instance: DuckDBInstance,
  metadata: MetadataStore,
  clock: Clock,
): Promise<{ accounts: AccountService; close: () => void }> {
  const store = await DuckDbAccountStore.open(instance);
  return { accounts: new AccountService(store, metadata, clock), close: () => store.close() };
}
