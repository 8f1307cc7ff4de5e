import { AdminInputError } from '../admin/admin-ops.ts';
import { AccountInputError, type AccountService } from './account-service.ts';
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
