import type { MemberOps } from '../admin/member-ops.ts';

export interface MembersOptions {
  readonly json: boolean;
  readonly site?: string;
  readonly role?: string;
}

/** The options `members` adds to the CLI's parser (spread into cli/main.ts). */
export const membersCliOptions = {
  role: { type: 'string' },
} as const;

export const membersUsage = `  members add <email> --site ID [--role viewer|admin|owner]
                                                     give an account a role on a site (default viewer);
                                                     an email without an account gets an invitation link
  members list --site ID                             list a site's members and open invitations
  members remove <email> --site ID                   end a member's access at once`;

/** `members add|list|remove`; the exit code, or undefined when the subcommand is unknown. */
export async function runMembersCommand(
  ops: MemberOps,
  command: string | undefined,
  args: string[],
  options: MembersOptions,
  out: (text: string) => void,
): Promise<number | undefined> {
  if (command === undefined || !['add', 'list', 'remove'].includes(command)) return undefined;
  if (!options.site) throw new Error(`members ${command} needs --site ID; see: zenovay sites list`);
  const siteId = options.site;
  if (command === 'list') {
    const listed = await ops.list({ siteId });
    if (options.json) out(JSON.stringify(listed));
    else
      out(
        [
          ...listed.members.map((m) => `${m.email}  ${m.role}`),
          ...listed.invites.map((i) => `${i.email}  ${i.role}  (invited; the link expires ${i.expires_at})`),
        ].join('\n'),
      );
    return 0;
  }
  const email = args[0];
  if (!email)
    throw new Error(`members ${command} needs the email: zenovay members ${command} EMAIL --site ${siteId}`);
  if (command === 'remove') {
    await ops.remove({ siteId, email });
    out(
      options.json ? JSON.stringify({ email, removed: true }) : `Removed ${email}: their access has ended.`,
    );
    return 0;
  }
  const added = await ops.add({ siteId, email, role: options.role ?? 'viewer' });
  if (options.json) out(JSON.stringify(added));
  else if ('member' in added) out(`${added.member.email} is now ${added.member.role} of ${siteId}.`);
  else
    out(
      [
        `No account has the email ${added.invite.email}: invited as ${added.invite.role}.`,
        `  Send them this link (one use, until ${added.invite.expires_at}), on your server's address:`,
        `  ${added.invite.path}`,
        '  It is shown only once.',
      ].join('\n'),
    );
  return 0;
}
