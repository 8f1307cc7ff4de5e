import { generatePassword } from './password.ts';
import type { User } from './types.ts';

export interface UsersOps {
  addUser(input: { email: string; password: string }): Promise<User>;
}

export interface UsersOptions {
  readonly json: boolean;
  /** Read the password from standard input instead of generating one. */
  readonly passwordStdin: boolean;
}

/**
 * `zenovay users add <email>`: creates a dashboard account. Without `--password-stdin` a strong
 * password is generated and printed once. Returns the exit code, or undefined for an unknown
 * subcommand.
 */
export async function runUsersCommand(
  ops: UsersOps,
  command: string | undefined,
  args: string[],
  options: UsersOptions,
  out: (text: string) => void,
  stdin: AsyncIterable<Buffer | string> = process.stdin,
): Promise<number | undefined> {
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

/** All of standard input, less one trailing newline (what `echo pw |` adds). */
async function readPassword(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return text.replace(/\r?\n$/, '');
}
