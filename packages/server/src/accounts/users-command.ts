import type { Site } from '../store/types.ts';
import type { AccountDeletionPlan } from './account-deletion.ts';
import { generatePassword } from './password.ts';
import type { User } from './types.ts';

export interface UsersOps {
  addUser(input: { email: string; password: string }): Promise<User>;
  userDeletionPlan(email: string): Promise<AccountDeletionPlan>;
  deleteUser(email: string): Promise<AccountDeletionPlan>;
}

export interface UsersOptions {
  readonly json: boolean;
  /** Read the password from standard input instead of generating one. */
  readonly passwordStdin: boolean;
  /** `users delete`: really delete (without it the plan is printed and nothing changes). */
  readonly yes?: boolean;
}

/**
 * `zenovay users add <email>`: creates a dashboard account. Without `--password-stdin` a strong
 * password is generated and printed once. `zenovay users delete <email> [--yes]`: prints what
 * deleting the account removes, and deletes it only with `--yes`. Returns the exit code, or
 * undefined for an unknown subcommand.
 */
export async function runUsersCommand(
  ops: UsersOps,
  command: string | undefined,
  args: string[],
  options: UsersOptions,
  out: (text: string) => void,
  stdin: AsyncIterable<Buffer | string> = process.stdin,
): Promise<number | undefined> {
  if (command === 'delete' && args[0]) return deleteUser(ops, args[0], options, out);
  if (command !== 'add' || !args[0]) return undefined;
  const password = options.passwordStdin ? await readPassword(stdin) : generatePassword();
  const user = await ops.addUser({ email: args[0], password });
  const shown = options.passwordStdin ? {} : { password };
  if (options.json) {
    out(JSON.stringify({ id: user.id, email: user.email, created_at: user.createdAt, ...shown }));
    return 0;
  }
  const lines = [`User ${user.email} created.`];
  if (!options.passwordStdin) {
    lines.push(`  password: ${password}`, '  Copy it now: it is shown only once. Sign in at /login.');
  }
  out(lines.join('\n'));
  return 0;
}

async function deleteUser(ops: UsersOps, email: string, options: UsersOptions, out: (text: string) => void) {
  const plan = options.yes ? await ops.deleteUser(email) : await ops.userDeletionPlan(email);
  if (options.json) {
    out(
      JSON.stringify({
        email: plan.user.email,
        deleted: options.yes === true,
        deleted_sites: plan.deletedSites.map(siteRef),
        kept_sites: plan.keptSites.map(siteRef),
      }),
    );
    return options.yes ? 0 : 1;
  }
  const siteLine = (site: Site) => `  ${site.domain} (id ${site.id})`;
  const lines = [
    options.yes ? `User ${plan.user.email} deleted.` : `Deleting user ${plan.user.email} removes:`,
  ];
  lines.push(
    `${options.yes ? 'Deleted' : 'Sites deleted'} with all their events, API keys and proxy keys: ${plan.deletedSites.length}`,
    ...plan.deletedSites.map(siteLine),
    `Shared sites ${options.yes ? 'kept' : 'that stay'} (only this user's access goes): ${plan.keptSites.length}`,
    ...plan.keptSites.map(siteLine),
  );
  if (!options.yes) lines.push('Nothing was deleted. Run again with --yes to delete.');
  out(lines.join('\n'));
  return options.yes ? 0 : 1;
}

function siteRef(site: Site) {
  return { id: site.id, domain: site.domain };
}

/** All of standard input, less one trailing newline (what `echo pw |` adds). */
async function readPassword(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return text.replace(/\r?\n$/, '');
}
