import { AdminInputError } from '../admin/admin-ops.ts';
import { type AccountDeletionPlan, LastAccountError } from './account-deletion.ts';
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

/** `zenovay users delete`, server side: show the plan first, then carry it out. */
export function userDeletionOps(accounts: AccountService) {
  async function userIdOf(email: unknown): Promise<string> {
    const user = await accounts.userWithEmail(String(email ?? ''));
    if (!user) throw new AdminInputError(`no account has the email "${String(email ?? '')}"`, 404);
    return user.id;
  }
  return {
    userDeletionPlan: async (email: string): Promise<AccountDeletionPlan> => {
      const plan = await accounts.deletionPlan(await userIdOf(email));
      if (!plan) throw new AdminInputError(`no account has the email "${email}"`, 404);
      return plan;
    },
    deleteUser: async (email: string): Promise<AccountDeletionPlan> => {
      try {
        const plan = await accounts.deleteAccount(await userIdOf(email));
        if (!plan) throw new AdminInputError(`no account has the email "${email}"`, 404);
        return plan;
      } catch (error) {
        if (error instanceof LastAccountError) throw new AdminInputError(error.message, 409);
        throw error;
      }
    },
  };
}
